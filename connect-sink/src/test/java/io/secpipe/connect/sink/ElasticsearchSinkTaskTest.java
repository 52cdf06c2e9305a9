package io.secpipe.connect.sink;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The task against a WireMock engine: retries, item classification, dead-letter headers, flush timeout, secrets. */
class ElasticsearchSinkTaskTest {

    private static final String PASSWORD = "pw-Must-Not-Leak-42";
    private WireMockServer engine;
    private ElasticsearchSinkTask task;
    private RecordingContext context;

    @BeforeEach
    void start() {
        engine = new WireMockServer(options().dynamicPort());
        engine.start();
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        engine.stop();
    }

    private void startTask(String... kv) {
        Map<String, String> props = new HashMap<>(Map.of("connection.url", engine.baseUrl(), "index.pattern", "idx-{yyyy.MM.dd}",
                "document.id.strategy", "header", "behavior.on.malformed.documents", "warn", "retry.backoff.ms", "10",
                "connection.username", "connect", "connection.password", PASSWORD));
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        context = new RecordingContext(props);
        task = new ElasticsearchSinkTask();
        task.initialize(context);
        task.start(props);
    }

    private static SinkRecord record(long offset, String id, String json) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("secpipe.id", id);
        return new SinkRecord("flows", 0, null, null, null, json, offset, 0L, null, headers);
    }

    private static String doc(String day) {
        return "{\"@timestamp\":\"2024-03-" + day + "T10:00:00Z\",\"srcaddr\":\"10.0.0.1\"}";
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(long next) {
        return Map.of(new TopicPartition("flows", 0), new OffsetAndMetadata(next));
    }

    @Test
    void sendsBasicCredentialsOrAnApiKeyOnEveryRequest() {
        engine.stubFor(post("/_bulk").willReturn(okItems("index", 201)));
        startTask("linger.ms", "0");
        task.put(List.of(record(0, "a", doc("01"))));
        task.preCommit(offsets(1));
        engine.verify(postRequestedFor(urlEqualTo("/_bulk")).withHeader("Authorization", equalTo("Basic "
                + java.util.Base64.getEncoder().encodeToString(("connect:" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
        task.stop();
        engine.resetRequests();

        // 'id:api_key' as the engine shows it at creation is sent encoded; the encoded form is sent as it is
        startTask("linger.ms", "0", "connection.username", "", "connection.password", "", "connection.api.key", "VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw");
        task.put(List.of(record(0, "a", doc("01"))));
        task.preCommit(offsets(1));
        engine.verify(postRequestedFor(urlEqualTo("/_bulk"))
                .withHeader("Authorization", equalTo("ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==")));
    }

    @Test
    void retriesA429ThenWritesAndCommits() {
        engine.stubFor(post("/_bulk").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withBody("{\"error\":\"busy\"}")).willSetStateTo("ok"));
        engine.stubFor(post("/_bulk").inScenario("busy").whenScenarioStateIs("ok").willReturn(okItems("index", 201, 201)));
        startTask("batch.size", "10", "linger.ms", "60000");
        task.put(List.of(record(0, "a", doc("01")), record(1, "b", doc("02"))));
        assertThat(engine.getAllServeEvents()).as("lingering: nothing sent before the commit").isEmpty();
        assertThat(task.preCommit(offsets(2))).isEqualTo(offsets(2));
        engine.verify(2, postRequestedFor(urlEqualTo("/_bulk")).withHeader("Content-Type", equalTo("application/x-ndjson")));
        String body = engine.getAllServeEvents().get(0).getRequest().getBodyAsString();
        assertThat(body).isEqualTo("{\"index\":{\"_index\":\"idx-2024.03.01\",\"_id\":\"a\"}}\n" + doc("01") + "\n"
                + "{\"index\":{\"_index\":\"idx-2024.03.02\",\"_id\":\"b\"}}\n" + doc("02") + "\n");
    }

    @Test
    void aMappingRejectionGoesToTheDeadLetterReporterWithItsHeadersAndTheRestIsWritten() {
        engine.stubFor(post("/_bulk").willReturn(aResponse().withStatus(200).withBody("{\"errors\":true,\"items\":["
                + "{\"index\":{\"_index\":\"idx-2024.03.01\",\"_id\":\"a\",\"status\":201}},"
                + "{\"index\":{\"_index\":\"idx-2024.03.01\",\"_id\":\"b\",\"status\":400,\"error\":{\"type\":\"document_parsing_exception\","
                + "\"reason\":\"[1:40] failed to parse field [srcaddr] of type [ip]\",\"caused_by\":{\"type\":\"illegal_argument_exception\","
                + "\"reason\":\"'x' is not an IP string literal.\"}}}}]}")));
        startTask("batch.size", "2");
        task.put(List.of(record(0, "a", doc("01")), record(1, "b", doc("01").replace("10.0.0.1", "x"))));
        assertThat(task.preCommit(offsets(2))).isEqualTo(offsets(2));
        assertThat(context.reported).hasSize(1);
        SinkRecord dead = context.reported.get(0).record();
        assertThat(dead.kafkaOffset()).isEqualTo(1);
        assertThat(dead.headers().lastWithName("secpipe.id").value()).isEqualTo("b");
        assertThat(dead.headers().lastWithName(ElasticsearchSinkTask.ERROR_TYPE_HEADER).value()).isEqualTo("document_parsing_exception");
        assertThat(dead.headers().lastWithName(ElasticsearchSinkTask.ERROR_INDEX_HEADER).value()).isEqualTo("idx-2024.03.01");
        assertThat((String) dead.headers().lastWithName(ElasticsearchSinkTask.ERROR_REASON_HEADER).value())
                .contains("failed to parse field [srcaddr]", "is not an IP string literal");
        assertThat(context.reported.get(0).error()).isInstanceOf(MalformedDocumentException.class)
                .hasMessageContaining("document_parsing_exception [idx-2024.03.01]");
    }

    @Test
    void aRecordThatIsNoDocumentIsReportedOrDroppedAsConfigured() {
        startTask();
        task.put(List.of(record(0, "a", "not json"), record(1, "b", "{\"no\":\"timestamp\"}")));
        assertThat(context.reported).extracting(r -> r.record().headers().lastWithName(ElasticsearchSinkTask.ERROR_TYPE_HEADER).value())
                .containsExactly("invalid_record", "invalid_record");
        task.stop();
        startTask("drop.invalid.message", "true");
        task.put(List.of(record(0, "a", "not json")));
        assertThat(context.reported).isEmpty();
    }

    @Test
    void aVersionConflictOfACreateIsAReplayNotAnError() {
        engine.stubFor(post("/_bulk").willReturn(aResponse().withStatus(200).withBody("{\"errors\":true,\"items\":["
                + "{\"create\":{\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\",\"reason\":\"document already exists\"}}}]}")));
        startTask("data.stream.type", "logs", "data.stream.dataset", "vpcflow", "data.stream.namespace", "default",
                "behavior.on.malformed.documents", "fail");
        task.put(List.of(record(0, "a", doc("01"))));
        assertThat(task.preCommit(offsets(1))).isEqualTo(offsets(1));
        assertThat(engine.getAllServeEvents().get(0).getRequest().getBodyAsString())
                .startsWith("{\"create\":{\"_index\":\"logs-vpcflow-default\",\"_id\":\"a\"}}\n");
        assertThat(context.reported).isEmpty();
    }

    @Test
    void upsertsAndTombstoneDeletesUseTheirBulkActions() {
        engine.stubFor(post("/_bulk").willReturn(okItems("update", 200) ));
        startTask("index.pattern", "users", "document.id.strategy", "key", "write.method", "upsert", "behavior.on.null.values", "delete");
        task.put(List.of(new SinkRecord("users", 0, null, "u1", null, "{\"name\":\"x\"}", 0)));
        task.preCommit(offsets(1));
        engine.stubFor(post("/_bulk").willReturn(aResponse().withStatus(200).withBody(
                "{\"errors\":true,\"items\":[{\"delete\":{\"status\":404,\"result\":\"not_found\"}}]}")));
        task.put(List.of(new SinkRecord("users", 0, null, "u1", null, null, 1)));
        task.preCommit(offsets(2));
        List<String> bodies = new ArrayList<>();
        engine.getAllServeEvents().forEach(e -> bodies.add(0, e.getRequest().getBodyAsString()));
        assertThat(bodies).containsExactly(
                "{\"update\":{\"_index\":\"users\",\"_id\":\"u1\"}}\n{\"doc_as_upsert\":true,\"doc\":{\"name\":\"x\"}}\n",
                "{\"delete\":{\"_index\":\"users\",\"_id\":\"u1\"}}\n");
        assertThat(context.reported).isEmpty();
    }

    @Test
    void anUnacknowledgedFlushCommitsNothingWithinTheFlushTimeout() {
        engine.stubFor(post("/_bulk").willReturn(okItems("index", 201).withFixedDelay(1500)));
        startTask("flush.timeout.ms", "200", "read.timeout.ms", "10000");
        task.put(List.of(record(0, "a", doc("01"))));
        assertThat(task.preCommit(offsets(1))).isEmpty();
        assertThat(task.preCommit(offsets(1))).as("acknowledged by the next commit").isEmpty();
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(task.preCommit(offsets(1))).isEqualTo(offsets(1));
    }

    @Test
    void backpressureKeepsAtMostMaxBufferedRecordsOutstanding() {
        engine.stubFor(post("/_bulk").willReturn(okItems("index", 201, 201).withFixedDelay(200)));
        startTask("batch.size", "2", "max.buffered.records", "4", "max.in.flight.requests", "2");
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(record(i, "id" + i, doc("01")));
        }
        long started = System.nanoTime();
        task.put(records);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        // 10 requests of 200 ms, at most 2 at once and at most 4 records outstanding: put() must have waited
        assertThat(tookMs).isGreaterThanOrEqualTo(600);
        assertThat(task.preCommit(offsets(20))).isEqualTo(offsets(20));
        assertThat(engine.getAllServeEvents()).hasSize(10);
    }

    @Test
    void aFailureAfterTheLastRetryFailsTheTaskAndTheLogNeverShowsThePassword() {
        StringWriter log = new StringWriter();
        Logger root = (Logger) LogManager.getRootLogger();
        WriterAppender appender = WriterAppender.newBuilder().setName("capture").setTarget(log)
                .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build()).build();
        appender.start();
        root.addAppender(appender);
        try {
            engine.stubFor(post("/_bulk").willReturn(aResponse().withStatus(503).withBody("{\"error\":\"unavailable\"}")));
            startTask("max.retries", "2");
            task.put(List.of(record(0, "a", doc("01"))));
            assertThatThrownBy(() -> task.preCommit(offsets(1))).isInstanceOf(ConnectException.class).hasMessageContaining("503");
            engine.verify(3, postRequestedFor(urlEqualTo("/_bulk")).withBasicAuth(
                    new com.github.tomakehurst.wiremock.client.BasicCredentials("connect", PASSWORD)));
        } finally {
            root.removeAppender(appender);
        }
        assertThat(log.toString()).contains("503").doesNotContain(PASSWORD);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okItems(String action, int... statuses) {
        StringBuilder items = new StringBuilder();
        for (int status : statuses) {
            items.append(items.length() == 0 ? "" : ",").append("{\"").append(action).append("\":{\"status\":").append(status).append("}}");
        }
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":false,\"items\":[" + items + "]}");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
