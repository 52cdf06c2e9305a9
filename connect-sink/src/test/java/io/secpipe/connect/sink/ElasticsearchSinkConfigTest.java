package io.secpipe.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.connect.sink.IndexingSettings.IdStrategy;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkConfigTest {

    private static Map<String, String> fixture(String name) throws Exception {
        try (InputStream in = ElasticsearchSinkConfigTest.class.getResourceAsStream("/confluent-examples/" + name)) {
            Map<String, String> config = new ObjectMapper().readValue(in, new TypeReference<>() { });
            config.put("connector.class", ElasticsearchSinkConnector.class.getName());
            return config;
        }
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Config config = new ElasticsearchSinkConnector().validate(props);
        return config.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @ParameterizedTest
    @ValueSource(strings = {"quickstart.json", "secured-ssl.json", "tuned-writes.json", "data-stream.json"})
    void confluentExampleConfigsValidateWithOnlyTheConnectorClassChanged(String file) throws Exception {
        Map<String, String> props = fixture(file);
        assertThat(errors(props)).isEmpty();
        ElasticsearchSinkConnector connector = new ElasticsearchSinkConnector();
        connector.start(props);
        assertThat(connector.taskConfigs(2)).hasSize(2);
    }

    @Test
    void confluentMeaningsCarryOver() throws Exception {
        ElasticsearchSinkConfig quickstart = new ElasticsearchSinkConfig(fixture("quickstart.json"));
        assertThat(quickstart.idStrategy()).as("key.ignore=true: topic+partition+offset").isEqualTo(IdStrategy.TOPIC_PARTITION_OFFSET);
        ElasticsearchSinkConfig ssl = new ElasticsearchSinkConfig(fixture("secured-ssl.json"));
        assertThat(ssl.idStrategy()).as("key.ignore=false: the key").isEqualTo(IdStrategy.KEY);
        assertThat(ssl.urls()).containsExactly("https://es-1.example.internal:9200", "https://es-2.example.internal:9200");
        assertThat(ssl.onNull()).isEqualTo(WritingSettings.OnNull.DELETE);
        assertThat(ssl.writeMethod()).isEqualTo(WritingSettings.WriteMethod.UPSERT);
        DocumentBuilder stream = new DocumentBuilder(new ElasticsearchSinkConfig(fixture("data-stream.json")));
        assertThat(stream.dataStreamName("app-events")).isEqualTo("logs-app-app-events");
    }

    @Test
    void validateNamesEachBadKey() {
        Map<String, String> props = new HashMap<>(Map.of(
                "connection.url", "localhost:9200",
                "batch.size", "zero",
                "behavior.on.null.values", "drop",
                "behavior.on.malformed.documents", "explode",
                "write.method", "replace",
                "data.stream.type", "events",
                "document.id.strategy", "random",
                "elastic.security.protocol", "TLS",
                "max.in.flight.requests", "0",
                "aws.sigv4.service", "s3"));
        props.put("elastic.https.ssl.endpoint.identification.algorithm", "none");
        assertThat(errors(props)).containsOnlyKeys("connection.url", "batch.size", "behavior.on.null.values",
                "behavior.on.malformed.documents", "write.method", "data.stream.type", "document.id.strategy",
                "elastic.security.protocol", "max.in.flight.requests", "aws.sigv4.service",
                "elastic.https.ssl.endpoint.identification.algorithm");
    }

    @Test
    void validateNamesTheKeyOfAnInconsistentCombination() {
        Map<String, String> base = Map.of("connection.url", "http://localhost:9200");
        assertThat(errors(with(base, "document.id.strategy", "fields"))).containsOnlyKeys("document.id.fields");
        assertThat(errors(with(base, "data.stream.type", "logs", "write.method", "upsert"))).containsOnlyKeys("write.method");
        assertThat(errors(with(base, "data.stream.dataset", "app"))).containsOnlyKeys("data.stream.dataset");
        assertThat(errors(with(base, "elastic.security.protocol", "ssl"))).containsOnlyKeys("elastic.security.protocol");
        assertThat(errors(with(base, "connection.username", "u", "connection.api.key", "id:k"))).containsOnlyKeys("connection.api.key");
        assertThat(errors(Map.of("connection.url", "https://search-x.eu-west-1.es.amazonaws.com", "aws.sigv4.service", "es",
                "connection.username", "u"))).containsOnlyKeys("aws.sigv4.service");
        assertThat(errors(with(base, "batch.size", "500", "max.buffered.records", "100"))).containsOnlyKeys("max.buffered.records");
        assertThat(errors(with(base, "index.templates", "vpcflow,nosuch"))).containsOnlyKeys("index.templates");
        assertThat(errors(with(base, "index.templates", "vpcflow"))).isEmpty();
        assertThatThrownBy(() -> new ElasticsearchSinkConnector().start(with(base, "document.id.strategy", "fields")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("document.id.fields");
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> props = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }
}
