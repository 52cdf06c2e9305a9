package io.secpipe.connect.sink;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** How records become bulk requests, how many may wait, and what happens to the ones that cannot be written. */
final class WritingSettings {

    static final String GROUP = "Writing";
    static final String BATCH_SIZE = "batch.size";
    static final String BULK_SIZE_BYTES = "bulk.size.bytes";
    static final String MAX_IN_FLIGHT_REQUESTS = "max.in.flight.requests";
    static final String MAX_BUFFERED_RECORDS = "max.buffered.records";
    static final String LINGER_MS = "linger.ms";
    static final String FLUSH_TIMEOUT_MS = "flush.timeout.ms";
    static final String WRITE_METHOD = "write.method";
    static final String BEHAVIOR_ON_NULL_VALUES = "behavior.on.null.values";
    static final String BEHAVIOR_ON_MALFORMED_DOCS = "behavior.on.malformed.documents";
    static final String DROP_INVALID_MESSAGE = "drop.invalid.message";
    static final String INGESTED_FIELD = "ingested.timestamp.field";

    enum WriteMethod { INSERT, UPSERT }

    enum OnNull { IGNORE, DELETE, FAIL }

    enum OnMalformed { IGNORE, WARN, FAIL }

    private WritingSettings() {
    }

    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(BATCH_SIZE, Type.INT, 2000, Range.between(1, 1_000_000), Importance.MEDIUM,
                        "Most documents in one bulk request.", GROUP, ++order, Width.SHORT, "Batch size")
                .define(BULK_SIZE_BYTES, Type.LONG, 5L * 1024 * 1024, Range.atLeast(1), Importance.LOW,
                        "Most bytes of documents in one bulk request; a single larger document goes alone.",
                        GROUP, ++order, Width.SHORT, "Bulk size")
                .define(MAX_IN_FLIGHT_REQUESTS, Type.INT, 5, Range.between(1, 100), Importance.LOW,
                        "Bulk requests a task may have outstanding at once; more waits (documents with the same id in two "
                                + "concurrent requests may land in either order, so use 1 for upserts that must apply in order).",
                        GROUP, ++order, Width.SHORT, "Max in-flight requests")
                .define(MAX_BUFFERED_RECORDS, Type.INT, 20000, Range.atLeast(1), Importance.LOW,
                        "Records a task holds (buffered or in flight) before put() blocks until the engine has acknowledged "
                                + "some: Connect then stops polling, which is the backpressure.",
                        GROUP, ++order, Width.SHORT, "Max buffered records")
                .define(LINGER_MS, Type.LONG, 1L, Range.between(0, 604_800_000L), Importance.LOW,
                        "How long a partial batch may wait for more records before it is sent.",
                        GROUP, ++order, Width.SHORT, "Linger")
                .define(FLUSH_TIMEOUT_MS, Type.LONG, 180_000L, Range.atLeast(1), Importance.LOW,
                        "How long an offset commit waits for outstanding requests; when they are not all acknowledged by "
                                + "then, this commit is skipped (nothing unacknowledged is committed) and the next one tries again.",
                        GROUP, ++order, Width.SHORT, "Flush timeout")
                .define(WRITE_METHOD, Type.STRING, "insert", ConfigSupport.oneOf(WriteMethod.class), Importance.LOW,
                        "'insert' writes the whole document (a replay overwrites it); 'upsert' merges the record's fields into "
                                + "the document with that id, creating it when missing.", GROUP, ++order, Width.SHORT, "Write method")
                .define(BEHAVIOR_ON_NULL_VALUES, Type.STRING, "fail", ConfigSupport.oneOf(OnNull.class), Importance.LOW,
                        "A record whose value is null (a tombstone): 'ignore' it, 'delete' the document with its id, or 'fail' "
                                + "the task.", GROUP, ++order, Width.SHORT, "On null values")
                .define(BEHAVIOR_ON_MALFORMED_DOCS, Type.STRING, "fail", ConfigSupport.oneOf(OnMalformed.class), Importance.LOW,
                        "A document the engine rejects (mapping or parse error): 'ignore' or 'warn' (both report it to the "
                                + "dead-letter topic when one is configured; warn also logs) and go on, or 'fail' the task.",
                        GROUP, ++order, Width.SHORT, "On malformed documents")
                .define(DROP_INVALID_MESSAGE, Type.BOOLEAN, false, Importance.LOW,
                        "A record that cannot become a document at all (not JSON, no event time for a dated index): true drops "
                                + "it with a log line; false treats it as behavior.on.malformed.documents says.",
                        GROUP, ++order, Width.SHORT, "Drop invalid records")
                .define(INGESTED_FIELD, Type.STRING, "", Importance.LOW,
                        "When set (ECS: event.ingested), the field the sink stamps with the time it sends the document; "
                                + "a dotted name nests objects. Empty: documents are written as they are.",
                        GROUP, ++order, Width.SHORT, "Ingested timestamp field");
    }
}
