package io.secpipe.connect.sink;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Which index a document goes to and under which id; which templates the sink installs. */
final class IndexingSettings {

    static final String GROUP = "Indexing";
    static final String INDEX_PATTERN = "index.pattern";
    static final String INDEX_TIMESTAMP_FIELD = "index.timestamp.field";
    static final String DOCUMENT_ID_STRATEGY = "document.id.strategy";
    static final String DOCUMENT_ID_HEADER = "document.id.header";
    static final String DOCUMENT_ID_FIELDS = "document.id.fields";
    static final String KEY_IGNORE = "key.ignore";
    static final String SCHEMA_IGNORE = "schema.ignore";
    static final String INDEX_TEMPLATES = "index.templates";

    enum IdStrategy { HEADER, KEY, TOPIC_PARTITION_OFFSET, FIELDS }

    private IndexingSettings() {
    }

    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(INDEX_PATTERN, Type.STRING, "{topic}", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Index name. {topic} is the record's topic; {yyyy.MM.dd} (any java.time pattern in braces) is the "
                                + "document's event time in UTC, from index.timestamp.field: cwl-vpcflow-{yyyy.MM.dd} gives daily "
                                + "indices. Not used when data.stream.type is set.", GROUP, ++order, Width.MEDIUM, "Index pattern")
                .define(INDEX_TIMESTAMP_FIELD, Type.STRING, "@timestamp", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Document field holding the event time (ISO-8601 text or epoch milliseconds) for a dated index pattern.",
                        GROUP, ++order, Width.SHORT, "Timestamp field")
                .define(DOCUMENT_ID_STRATEGY, Type.STRING, null, ConfigSupport.oneOf(IdStrategy.class), Importance.MEDIUM,
                        "Document id: 'header' (document.id.header, set by secpipe's sources so a replay overwrites), 'key' "
                                + "(the record key), 'fields' (document.id.fields of the document joined by '|'), or "
                                + "'topic_partition_offset'. A missing header, key or field falls back to topic+partition+offset. "
                                + "Unset: 'key', or 'topic_partition_offset' when key.ignore is true.",
                        GROUP, ++order, Width.SHORT, "Document id strategy")
                .define(DOCUMENT_ID_HEADER, Type.STRING, "secpipe.id", Importance.LOW,
                        "Header that holds the document id for the 'header' strategy.", GROUP, ++order, Width.SHORT, "Id header")
                .define(DOCUMENT_ID_FIELDS, Type.LIST, List.of(), Importance.LOW,
                        "Document fields (dotted names reach into objects) whose values make the id for the 'fields' strategy.",
                        GROUP, ++order, Width.MEDIUM, "Id fields")
                .define(KEY_IGNORE, Type.BOOLEAN, false, Importance.MEDIUM,
                        "As in Confluent's sink: true ignores record keys and uses topic+partition+offset as the id (only when "
                                + "document.id.strategy is unset).", GROUP, ++order, Width.SHORT, "Ignore key")
                .define(SCHEMA_IGNORE, Type.BOOLEAN, false, Importance.LOW,
                        "Accepted for Confluent compatibility: this sink never derives mappings from Connect schemas; the "
                                + "index templates (index.templates) define them.", GROUP, ++order, Width.SHORT, "Ignore schema")
                .define(INDEX_TEMPLATES, Type.LIST, List.of(), Importance.MEDIUM,
                        "Index templates bundled with the connector to install on start (PUT _index_template/secpipe-<name>): "
                                + "e.g. vpcflow.", GROUP, ++order, Width.MEDIUM, "Index templates");
    }
}
