package io.secpipe.connect.sink;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Sink settings. Keys shared with Confluent's Elasticsearch sink keep its names and meanings;
 * the index pattern, id strategy and bundled templates are ours.
 */
public class ElasticsearchSinkConfig extends AbstractConfig {

    // connection (Confluent's names)
    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USERNAME = "connection.username";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";
    public static final String READ_TIMEOUT_MS = "read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    // writing (Confluent's names)
    public static final String BATCH_SIZE = "batch.size";
    public static final String BEHAVIOR_ON_NULL_VALUES = "behavior.on.null.values";
    public static final String BEHAVIOR_ON_MALFORMED_DOCS = "behavior.on.malformed.documents";
    // ours
    public static final String INDEX_PATTERN = "index.pattern";
    public static final String INDEX_TIMESTAMP_FIELD = "index.timestamp.field";
    public static final String DOCUMENT_ID_STRATEGY = "document.id.strategy";
    public static final String DOCUMENT_ID_HEADER = "document.id.header";
    public static final String INDEX_TEMPLATES = "index.templates";
    public static final String INGESTED_FIELD = "ingested.timestamp.field";

    public enum IdStrategy { HEADER, KEY, TOPIC_PARTITION_OFFSET }

    public enum OnNull { IGNORE, FAIL }

    public enum OnMalformed { IGNORE, WARN, FAIL }

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(CONNECTION_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ElasticsearchSinkConfig::validateUrls, Importance.HIGH,
                    "Engine URLs, http:// or https://; requests go to the next one when one cannot be reached.", "Connection", 1,
                    ConfigDef.Width.LONG, "Connection URLs")
            .define(CONNECTION_USERNAME, Type.STRING, null, Importance.MEDIUM,
                    "User for basic authentication (use a config provider, never a literal secret).", "Connection", 2,
                    ConfigDef.Width.SHORT, "Username")
            .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                    "Password for basic authentication (use a config provider, never a literal secret).", "Connection", 3,
                    ConfigDef.Width.SHORT, "Password")
            .define(CONNECTION_TIMEOUT_MS, Type.INT, 1000, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How long to wait for a connection to be established.", "Connection", 4, ConfigDef.Width.SHORT, "Connection timeout")
            .define(READ_TIMEOUT_MS, Type.INT, 3000, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How long to wait for a response.", "Connection", 5, ConfigDef.Width.SHORT, "Read timeout")
            .define(MAX_RETRIES, Type.INT, 5, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Retries of a bulk request that failed for a passing reason (429, 5xx, no connection) before the task fails.",
                    "Connection", 6, ConfigDef.Width.SHORT, "Max retries")
            .define(RETRY_BACKOFF_MS, Type.LONG, 100L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "First wait before a retry; it doubles with each further retry, with jitter.", "Connection", 7,
                    ConfigDef.Width.SHORT, "Retry backoff")
            .define(BATCH_SIZE, Type.INT, 2000, ConfigDef.Range.between(1, 1_000_000), Importance.MEDIUM,
                    "Documents per bulk request.", "Writing", 1, ConfigDef.Width.SHORT, "Batch size")
            .define(BEHAVIOR_ON_NULL_VALUES, Type.STRING, "fail", enumValidator(OnNull.class), Importance.LOW,
                    "What to do with a record whose value is null: ignore it, or fail the task.", "Writing", 2,
                    ConfigDef.Width.SHORT, "On null values")
            .define(BEHAVIOR_ON_MALFORMED_DOCS, Type.STRING, "fail", enumValidator(OnMalformed.class), Importance.LOW,
                    "What to do with a document the engine rejects or that cannot be built: ignore or warn (both send it to "
                            + "the dead-letter topic when errors.deadletterqueue.topic.name is set, warn also logs), or fail the task.",
                    "Writing", 3, ConfigDef.Width.SHORT, "On malformed documents")
            .define(INDEX_PATTERN, Type.STRING, "{topic}", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Index name. {topic} is the record's topic; {yyyy.MM.dd} (any java.time pattern in braces) is the document's "
                            + "event time in UTC, from index.timestamp.field: cwl-vpcflow-{yyyy.MM.dd} gives daily indices.",
                    "Indexing", 1, ConfigDef.Width.MEDIUM, "Index pattern")
            .define(INDEX_TIMESTAMP_FIELD, Type.STRING, "@timestamp", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Document field holding the event time (ISO-8601 text or epoch milliseconds) for a dated index pattern.",
                    "Indexing", 2, ConfigDef.Width.SHORT, "Timestamp field")
            .define(DOCUMENT_ID_STRATEGY, Type.STRING, "topic_partition_offset", enumValidator(IdStrategy.class), Importance.MEDIUM,
                    "Document id: 'header' (the value of document.id.header, set by secpipe's sources so replays overwrite), "
                            + "'key' (the record key), or 'topic_partition_offset'. Without the header, 'header' falls back to "
                            + "topic+partition+offset.", "Indexing", 3, ConfigDef.Width.SHORT, "Document id strategy")
            .define(DOCUMENT_ID_HEADER, Type.STRING, "secpipe.id", Importance.LOW,
                    "Header that holds the document id for the 'header' strategy.", "Indexing", 4, ConfigDef.Width.SHORT, "Id header")
            .define(INDEX_TEMPLATES, Type.LIST, List.of(), Importance.MEDIUM,
                    "Index templates bundled with the connector to install on start (PUT _index_template/secpipe-<name>): "
                            + "e.g. vpcflow.", "Indexing", 5, ConfigDef.Width.MEDIUM, "Index templates")
            .define(INGESTED_FIELD, Type.STRING, "", Importance.LOW,
                    "When set (ECS: event.ingested), the field the sink stamps with the time it sends the document; "
                            + "a dotted name nests objects. Empty: documents are written as they are.",
                    "Indexing", 6, ConfigDef.Width.SHORT, "Ingested timestamp field");

    public ElasticsearchSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public List<String> urls() {
        return getList(CONNECTION_URL).stream().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    }

    public String username() {
        return getString(CONNECTION_USERNAME);
    }

    public String password() {
        Password password = getPassword(CONNECTION_PASSWORD);
        return password == null ? null : password.value();
    }

    public IdStrategy idStrategy() {
        return enumValue(IdStrategy.class, getString(DOCUMENT_ID_STRATEGY));
    }

    public OnNull onNull() {
        return enumValue(OnNull.class, getString(BEHAVIOR_ON_NULL_VALUES));
    }

    public OnMalformed onMalformed() {
        return enumValue(OnMalformed.class, getString(BEHAVIOR_ON_MALFORMED_DOCS));
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    }

    private static <E extends Enum<E>> ConfigDef.Validator enumValidator(Class<E> type) {
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || !allowed.contains(value.toString().trim().toLowerCase(Locale.ROOT))) {
                    throw new ConfigException(name, value, "must be one of " + allowed);
                }
            }

            @Override
            public String toString() {
                return allowed.toString();
            }
        };
    }

    private static void validateUrls(String name, Object value) {
        if (!(value instanceof List<?> urls) || urls.isEmpty()) {
            throw new ConfigException(name, value, "give at least one URL");
        }
        for (Object url : urls) {
            String s = String.valueOf(url);
            if (!s.startsWith("http://") && !s.startsWith("https://")) {
                throw new ConfigException(name, s, "a URL must start with http:// or https://");
            }
        }
    }
}
