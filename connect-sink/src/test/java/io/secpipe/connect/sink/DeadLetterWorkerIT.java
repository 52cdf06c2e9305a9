package io.secpipe.connect.sink;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * In a real Connect worker: a document the engine (WireMock) rejects reaches the dead-letter topic with
 * the record's own headers, Connect's context headers and ours, and the task stays RUNNING.
 */
class DeadLetterWorkerIT {

    @Test
    void aRejectedDocumentReachesTheDeadLetterTopicWithItsHeadersAndTheTaskKeepsRunning() throws Exception {
        WireMockServer engine = new WireMockServer(options().dynamicPort());
        engine.start();
        engine.stubFor(post("/_bulk").willReturn(aResponse().withStatus(200).withBody("{\"errors\":true,\"items\":["
                + "{\"index\":{\"status\":201}},"
                + "{\"index\":{\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"failed to parse field [srcaddr] of type [ip]\"}}}]}")));
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name("sink-dlq").numWorkers(1).build();
        connect.start();
        try {
            connect.kafka().createTopic("flows", 1);
            Map<String, String> config = new HashMap<>();
            config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, ElasticsearchSinkConnector.class.getName());
            config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
            config.put(SinkConnectorConfig.TOPICS_CONFIG, "flows");
            config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
            config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
            config.put("connection.url", engine.baseUrl());
            config.put("index.pattern", "cwl-vpcflow-{yyyy.MM.dd}");
            config.put("document.id.strategy", "header");
            config.put("batch.size", "2");
            config.put("linger.ms", "60000");
            config.put("behavior.on.malformed.documents", "warn");
            config.put("errors.tolerance", "all");
            config.put("errors.deadletterqueue.topic.name", "dlq.vpcflow");
            config.put("errors.deadletterqueue.topic.replication.factor", "1");
            config.put("errors.deadletterqueue.context.headers.enable", "true");
            connect.configureConnector("sink", config);

            send(connect, "a", "{\"@timestamp\":\"2024-03-01T00:00:00Z\",\"srcaddr\":\"10.0.0.1\"}");
            send(connect, "b", "{\"@timestamp\":\"2024-03-01T00:00:01Z\",\"srcaddr\":\"not-an-ip\"}");

            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            connect.kafka().consume(1, Duration.ofSeconds(60).toMillis(), "dlq.vpcflow").forEach(dead::add);
            assertThat(dead).hasSize(1);
            ConsumerRecord<byte[], byte[]> letter = dead.get(0);
            assertThat(new String(letter.value(), StandardCharsets.UTF_8)).contains("not-an-ip");
            assertThat(header(letter, "secpipe.id")).isEqualTo("b");
            assertThat(header(letter, "secpipe.error.type")).isEqualTo("mapper_parsing_exception");
            assertThat(header(letter, "secpipe.error.reason")).isEqualTo("failed to parse field [srcaddr] of type [ip]");
            assertThat(header(letter, "secpipe.error.index")).isEqualTo("cwl-vpcflow-2024.03.01");
            assertThat(header(letter, "__connect.errors.topic")).isEqualTo("flows");
            assertThat(header(letter, "__connect.errors.offset")).isEqualTo("1");
            assertThat(header(letter, "__connect.errors.exception.class.name")).isEqualTo(MalformedDocumentException.class.getName());
            assertThat(header(letter, "__connect.errors.exception.message")).contains("mapper_parsing_exception [cwl-vpcflow-2024.03.01]");

            ConnectorStateInfo state = connect.connectorStatus("sink");
            assertThat(state.connector().state()).isEqualTo("RUNNING");
            assertThat(state.tasks()).extracting(ConnectorStateInfo.TaskState::state).containsExactly("RUNNING");
        } finally {
            connect.stop();
            engine.stop();
        }
    }

    private static void send(EmbeddedConnectCluster connect, String id, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("secpipe.id", id.getBytes(StandardCharsets.UTF_8));
        try (var producer = connect.kafka().createProducer(Map.of())) {
            producer.send(new ProducerRecord<>("flows", 0, id.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8), headers)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
