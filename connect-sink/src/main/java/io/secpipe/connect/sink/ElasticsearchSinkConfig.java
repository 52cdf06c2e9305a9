package io.secpipe.connect.sink;

import io.secpipe.connect.sink.DataStreamSettings.StreamType;
import io.secpipe.connect.sink.IndexingSettings.IdStrategy;
import io.secpipe.connect.sink.SecuritySettings.AwsService;
import io.secpipe.connect.sink.WritingSettings.OnMalformed;
import io.secpipe.connect.sink.WritingSettings.OnNull;
import io.secpipe.connect.sink.WritingSettings.WriteMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Sink settings, defined by concern (connection, security, writing, indexing, data streams). Keys shared
 * with Confluent's Elasticsearch sink keep its names and meanings, so its configs run with only
 * connector.class changed; the index pattern, id strategies, templates, API key and SigV4 are ours.
 */
public class ElasticsearchSinkConfig extends AbstractConfig {

    public static final ConfigDef CONFIG_DEF = DataStreamSettings.define(IndexingSettings.define(
            WritingSettings.define(SecuritySettings.define(ConnectionSettings.define(new ConfigDef())))));

    // the names other classes use most
    public static final String CONNECTION_URL = ConnectionSettings.CONNECTION_URL;
    public static final String BATCH_SIZE = WritingSettings.BATCH_SIZE;
    public static final String INDEX_TEMPLATES = IndexingSettings.INDEX_TEMPLATES;
    public static final String BEHAVIOR_ON_NULL_VALUES = WritingSettings.BEHAVIOR_ON_NULL_VALUES;
    public static final String BEHAVIOR_ON_MALFORMED_DOCS = WritingSettings.BEHAVIOR_ON_MALFORMED_DOCS;

    public ElasticsearchSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    /**
     * Problems between keys that each are valid alone, as key → message, so validate() can name the
     * key to change. Empty when the combination is consistent.
     */
    static Map<String, String> crossChecks(Map<String, String> props) {
        Map<String, String> problems = new LinkedHashMap<>();
        ElasticsearchSinkConfig c;
        try {
            c = new ElasticsearchSinkConfig(props);
        } catch (RuntimeException singleKeyProblem) {
            return problems; // ConfigDef.validate reports those against their keys
        }
        boolean basic = c.username() != null && !c.username().isEmpty();
        boolean apiKey = c.apiKey() != null && !c.apiKey().isEmpty();
        if (basic && apiKey) {
            problems.put(SecuritySettings.API_KEY, "give either an API key or connection.username/connection.password, not both");
        }
        if (c.awsService() != AwsService.NONE && (basic || apiKey)) {
            problems.put(SecuritySettings.AWS_SERVICE, "SigV4 signing replaces basic authentication and API keys: remove "
                    + (basic ? SecuritySettings.CONNECTION_USERNAME : SecuritySettings.API_KEY));
        }
        if (c.awsService() != AwsService.NONE && c.urls().stream().anyMatch(u -> u.startsWith("http://"))) {
            problems.put(ConnectionSettings.CONNECTION_URL, "AWS endpoints are https:// only");
        }
        if (c.getString(SecuritySettings.SECURITY_PROTOCOL).equalsIgnoreCase("ssl")
                && c.urls().stream().anyMatch(u -> u.startsWith("http://"))) {
            problems.put(SecuritySettings.SECURITY_PROTOCOL, "'ssl' needs https:// connection URLs");
        }
        if (c.idStrategy() == IdStrategy.FIELDS && c.getList(IndexingSettings.DOCUMENT_ID_FIELDS).isEmpty()) {
            problems.put(IndexingSettings.DOCUMENT_ID_FIELDS, "the 'fields' id strategy needs at least one field");
        }
        if (c.dataStreamType() != StreamType.NONE && c.writeMethod() == WriteMethod.UPSERT) {
            problems.put(WritingSettings.WRITE_METHOD, "data streams are append-only: upsert cannot be used with "
                    + DataStreamSettings.TYPE);
        }
        if (c.dataStreamType() == StreamType.NONE && !c.getString(DataStreamSettings.DATASET).isEmpty()) {
            problems.put(DataStreamSettings.DATASET, "a dataset needs " + DataStreamSettings.TYPE);
        }
        if (c.getInt(WritingSettings.BATCH_SIZE) > c.getInt(WritingSettings.MAX_BUFFERED_RECORDS)) {
            problems.put(WritingSettings.MAX_BUFFERED_RECORDS, "must be at least batch.size");
        }
        for (String template : c.getList(IndexingSettings.INDEX_TEMPLATES)) {
            if (ElasticsearchSinkConfig.class.getResource("/secpipe/templates/" + template + ".json") == null) {
                problems.put(IndexingSettings.INDEX_TEMPLATES, "no template named '" + template + "' is bundled");
            }
        }
        return problems;
    }

    public List<String> urls() {
        return getList(CONNECTION_URL).stream().map(String::trim)
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    }

    public String username() {
        return getString(SecuritySettings.CONNECTION_USERNAME);
    }

    public String password() {
        return secret(SecuritySettings.CONNECTION_PASSWORD);
    }

    String apiKey() {
        return secret(SecuritySettings.API_KEY);
    }

    String secret(String key) {
        Password password = getPassword(key);
        return password == null ? null : password.value();
    }

    AwsService awsService() {
        return ConfigSupport.enumValue(AwsService.class, getString(SecuritySettings.AWS_SERVICE));
    }

    public IdStrategy idStrategy() {
        String strategy = getString(IndexingSettings.DOCUMENT_ID_STRATEGY);
        if (strategy == null || strategy.isBlank()) {
            return getBoolean(IndexingSettings.KEY_IGNORE) ? IdStrategy.TOPIC_PARTITION_OFFSET : IdStrategy.KEY;
        }
        return ConfigSupport.enumValue(IdStrategy.class, strategy);
    }

    public OnNull onNull() {
        return ConfigSupport.enumValue(OnNull.class, getString(WritingSettings.BEHAVIOR_ON_NULL_VALUES));
    }

    public OnMalformed onMalformed() {
        return ConfigSupport.enumValue(OnMalformed.class, getString(WritingSettings.BEHAVIOR_ON_MALFORMED_DOCS));
    }

    WriteMethod writeMethod() {
        return ConfigSupport.enumValue(WriteMethod.class, getString(WritingSettings.WRITE_METHOD));
    }

    StreamType dataStreamType() {
        return ConfigSupport.enumValue(StreamType.class, getString(DataStreamSettings.TYPE));
    }
}
