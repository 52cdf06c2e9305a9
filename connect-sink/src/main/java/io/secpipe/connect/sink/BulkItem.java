package io.secpipe.connect.sink;

/**
 * One action of a bulk request. {@code source} is the document's JSON (null for a delete).
 * Public so the benchmarks can encode bodies without a task.
 */
public record BulkItem(Op op, String index, String id, byte[] source) {

    public enum Op {
        /** Write the whole document; a replay overwrites it. */
        INDEX,
        /** Write only if absent: data streams accept nothing else; a 409 means a replay, not an error. */
        CREATE,
        /** Merge the fields into the document, creating it when missing (write.method=upsert). */
        UPSERT,
        /** Remove the document (behavior.on.null.values=delete); a 404 means it is already gone. */
        DELETE
    }

    public BulkItem(String index, String id, byte[] source) {
        this(Op.INDEX, index, id, source);
    }

    int sizeInBytes() {
        return (source == null ? 0 : source.length) + index.length() + (id == null ? 0 : id.length()) + 48;
    }
}
