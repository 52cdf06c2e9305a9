package io.secpipe.connect.sink;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/** The NDJSON body of POST /_bulk, the same for Elasticsearch 8 and OpenSearch 2/3 (no _type, no version-specific keys). */
public final class BulkRequestBody {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] UPSERT_PREFIX = "{\"doc_as_upsert\":true,\"doc\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private BulkRequestBody() {
    }

    public static byte[] encode(List<BulkItem> items) {
        int estimate = 0;
        for (BulkItem item : items) {
            estimate += item.sizeInBytes() + 32;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(estimate);
        try {
            for (BulkItem item : items) {
                // one generator per action line: the document bytes are already JSON and are copied, not re-parsed
                try (JsonGenerator gen = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                    gen.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
                    gen.writeStartObject();
                    gen.writeObjectFieldStart(switch (item.op()) {
                        case INDEX -> "index";
                        case CREATE -> "create";
                        case UPSERT -> "update";
                        case DELETE -> "delete";
                    });
                    gen.writeStringField("_index", item.index());
                    if (item.id() != null) {
                        gen.writeStringField("_id", item.id());
                    }
                    gen.writeEndObject();
                    gen.writeEndObject();
                }
                out.write('\n');
                if (item.op() == BulkItem.Op.DELETE) {
                    continue;
                }
                if (item.op() == BulkItem.Op.UPSERT) {
                    out.write(UPSERT_PREFIX);
                    out.write(item.source());
                    out.write('}');
                } else {
                    out.write(item.source());
                }
                out.write('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
