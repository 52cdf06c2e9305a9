package io.secpipe.ops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static io.secpipe.ops.local.SinkTaskHarness.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sink task, loaded from its packaged plugin directory as a worker loads it, against a real
 * Elasticsearch 8.19 and OpenSearch 3.6 (one engine start each, plus one restart): exact documents in
 * their event day's index, the bundled template's types and ECS aliases, a replay that duplicates
 * nothing, a mapping rejection handed to the dead-letter reporter with its error headers, and an
 * engine stopped for 30 s mid-stream that loses nothing.
 */
class EngineSinkIT {


    @ParameterizedTest
    @EnumSource(Engine.class)
    void writesExactDocumentsToDailyIndicesSurvivesReplayRejectionAndOutage(Engine engine) throws Exception {
        Path home = ROOT.resolve("ops/target/sinkit-" + engine.displayName());
        SearchEngine.deleteTree(home);
        Files.createDirectories(home);
        int[] ports = FreePorts.take(2);
        StackSettings settings = new StackSettings(ROOT, home, engine, 0, 0, 0, ports[0], ports[1]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Supervisor supervisor = new Supervisor(settings.runDir(), settings.logDir());
        SearchEngine searchEngine = new SearchEngine(settings, supervisor, out);
        SearchEngine.deleteTree(searchEngine.baseDir()); // a run killed earlier may have left its data there
        Http http = new Http(settings.engineUrl());
        List<Reported> reported = new CopyOnWriteArrayList<>();
        try (URLClassLoader plugin = pluginLoader()) {
            searchEngine.start();
            Map<String, String> props = new HashMap<>();
            props.put("connection.url", settings.engineUrl());
            props.put("index.pattern", "cwl-vpcflow-{yyyy.MM.dd}");
            props.put("index.templates", "vpcflow");
            props.put("document.id.strategy", "header");
            props.put("batch.size", "3");
            props.put("linger.ms", "0");
            props.put("max.retries", "12");
            props.put("retry.backoff.ms", "250");
            props.put("flush.timeout.ms", "300000");
            props.put("behavior.on.malformed.documents", "warn");
            SinkTask task = startTask(plugin, props, reported);
            try {
                // three event days, one document the template's ip type rejects
                List<SinkRecord> first = List.of(
                        flow(0, "f1", "2024-03-01T00:00:00Z", "10.0.0.5", 443, "ACCEPT"),
                        flow(1, "f2", "2024-03-01T23:59:59Z", "10.0.0.6", 22, "REJECT"),
                        flow(2, "f3", "2024-03-02T00:00:00Z", "2001:db8::1", 443, "ACCEPT"),
                        flow(3, "bad", "2024-03-02T01:00:00Z", "not-an-ip", 80, "ACCEPT"),
                        flow(4, "f4", "2024-03-03T12:00:00Z", "10.0.0.7", 53, "ACCEPT"));
                task.put(first);
                assertThat(task.preCommit(offsets(5))).isEqualTo(offsets(5));
                assertThat(counts(http)).containsExactly(entry("cwl-vpcflow-2024.03.01", 2L), entry("cwl-vpcflow-2024.03.02", 1L),
                        entry("cwl-vpcflow-2024.03.03", 1L));
                List<JsonNode> hits = search(http, "{\"match_all\":{}}");
                assertThat(hits).extracting(h -> h.path("_id").asText()).containsExactly("f1", "f2", "f3", "f4");
                assertThat(hits.get(0).path("_source")).isEqualTo(Http.JSON.readTree(source("2024-03-01T00:00:00Z", "10.0.0.5", 443, "ACCEPT")));
                assertThat(hits).extracting(h -> h.path("_version").asInt()).containsOnly(1);

                assertThat(reported).hasSize(1);
                Reported dead = reported.get(0);
                assertThat(dead.record().kafkaOffset()).isEqualTo(3);
                assertThat(header(dead.record(), "secpipe.error.type")).isIn("mapper_parsing_exception", "document_parsing_exception");
                assertThat(header(dead.record(), "secpipe.error.index")).isEqualTo("cwl-vpcflow-2024.03.02");
                assertThat(header(dead.record(), "secpipe.error.reason")).contains("srcaddr");

                // the template's types and ECS aliases are live
                JsonNode mapping = http.get("/cwl-vpcflow-2024.03.01/_mapping").body().path("cwl-vpcflow-2024.03.01").path("mappings").path("properties");
                assertThat(mapping.path("srcaddr").path("type").asText()).isEqualTo("ip");
                assertThat(mapping.path("interface_id").path("type").asText()).isEqualTo("keyword");
                assertThat(mapping.path("@timestamp").path("type").asText()).isEqualTo("date");
                assertThat(search(http, "{\"term\":{\"source.ip\":\"10.0.0.6\"}}")).extracting(h -> h.path("_id").asText()).containsExactly("f2");
                assertThat(search(http, "{\"term\":{\"destination.port\":443}}")).hasSize(2);
                assertThat(search(http, "{\"term\":{\"event.outcome\":\"REJECT\"}}")).hasSize(1);
                assertThat(search(http, "{\"term\":{\"cloud.account.id\":\"111122223333\"}}")).hasSize(4);

                if (engine == Engine.OPENSEARCH) {
                    // the Elasticsearch test zip carries no data-streams module (x-pack core and security only)
                    writesToADataStreamOnce(settings, http, plugin, first.subList(0, 2));
                }
                writesThroughAProxy(settings, http, plugin);

                // a replay (same records at later offsets, as after a lost commit) overwrites, never duplicates
                task.put(replayOf(first));
                assertThat(task.preCommit(offsets(10))).isEqualTo(offsets(10));
                assertThat(counts(http).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
                assertThat(search(http, "{\"match_all\":{}}")).extracting(h -> h.path("_version").asInt()).containsOnly(2);

                // the engine stops for 30 s mid-stream: the commit waits, retries, and nothing is lost
                supervisor.stop(SearchEngine.NAME, Duration.ofSeconds(30));
                List<SinkRecord> during = new ArrayList<>();
                for (int i = 0; i < 9; i++) {
                    during.add(flow(10 + i, "o" + i, "2024-03-04T00:00:0" + i + "Z", "10.0.1." + i, 443, "ACCEPT"));
                }
                long stoppedAt = System.nanoTime();
                task.put(during);
                CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commit =
                        CompletableFuture.supplyAsync(() -> task.preCommit(offsets(19)));
                Thread.sleep(30_000);
                assertThat(commit).as("nothing is acknowledged while the engine is down").isNotDone();
                searchEngine.start();
                assertThat(commit.get()).isEqualTo(offsets(19));
                out.println("  outage of " + (System.nanoTime() - stoppedAt) / 1_000_000_000 + " s bridged by retries");
                assertThat(counts(http)).contains(entry("cwl-vpcflow-2024.03.04", 9L));
                assertThat(counts(http).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(13);
                assertThat(reported).hasSize(2); // the first rejection and its replay, nothing from the outage
            } finally {
                task.stop();
            }
        } finally {
            supervisor.stop(SearchEngine.NAME, Duration.ofSeconds(30));
            Path moved = home.resolve("engine.location");
            if (Files.exists(moved)) {
                SearchEngine.deleteTree(Path.of(Files.readString(moved).trim()));
            }
        }
    }

    /** Confluent's proxy.* keys: every request goes through the proxy (WireMock forwarding, and keeping a journal). */
    private static void writesThroughAProxy(StackSettings settings, Http http, URLClassLoader plugin) throws Exception {
        com.github.tomakehurst.wiremock.WireMockServer proxy = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort().enableBrowserProxying(true));
        proxy.start();
        try {
            Map<String, String> props = new HashMap<>();
            props.put("connection.url", settings.engineUrl());
            props.put("proxy.host", "127.0.0.1");
            props.put("proxy.port", String.valueOf(proxy.port()));
            props.put("index.pattern", "proxied-{yyyy.MM.dd}");
            props.put("index.templates", "");
            props.put("document.id.strategy", "header");
            props.put("linger.ms", "0");
            SinkTask task = startTask(plugin, props, new CopyOnWriteArrayList<>());
            try {
                task.put(List.of(flow(0, "p1", "2024-03-05T00:00:00Z", "10.0.0.5", 443, "ACCEPT")));
                assertThat(task.preCommit(offsets(1))).isEqualTo(offsets(1));
            } finally {
                task.stop();
            }
            assertThat(proxy.getAllServeEvents()).extracting(e -> e.getRequest().getMethod().getName() + " " + e.getRequest().getAbsoluteUrl())
                    .contains("POST " + settings.engineUrl() + "/_bulk");
            assertThat(http.get("/proxied-2024.03.05/_doc/p1").orThrow("the proxied document").body().path("found").asBoolean()).isTrue();
        } finally {
            proxy.stop();
        }
    }

    /**
     * Confluent's data-stream keys: logs-vpcflow-default receives the records with op_type create, and
     * their replay (same ids, a 409 each) is no error and adds nothing. The data stream's template is the
     * user's, as on OpenSearch, which has no built-in logs-*-* template.
     */
    private static void writesToADataStreamOnce(StackSettings settings, Http http, URLClassLoader plugin, List<SinkRecord> records)
            throws Exception {
        http.send("PUT", "/_index_template/secpipe-test-logs", Http.JSON.readTree(
                "{\"index_patterns\":[\"logs-vpcflow-*\"],\"data_stream\":{},\"priority\":500,"
                        + "\"template\":{\"mappings\":{\"properties\":{\"@timestamp\":{\"type\":\"date\"},\"srcaddr\":{\"type\":\"ip\"}}}}}"))
                .orThrow("the data stream's template");
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", settings.engineUrl());
        props.put("data.stream.type", "logs");
        props.put("data.stream.dataset", "vpcflow");
        props.put("data.stream.namespace", "default");
        props.put("document.id.strategy", "header");
        props.put("index.templates", "");
        props.put("linger.ms", "0");
        List<Reported> reported = new CopyOnWriteArrayList<>();
        SinkTask task = startTask(plugin, props, reported);
        try {
            task.put(records);
            assertThat(task.preCommit(offsets(2))).isEqualTo(offsets(2));
            task.put(replayOf(records));
            assertThat(task.preCommit(offsets(4))).isEqualTo(offsets(4));
        } finally {
            task.stop();
        }
        assertThat(reported).isEmpty();
        assertThat(http.get("/_data_stream/logs-vpcflow-default").orThrow("the data stream").body()
                .path("data_streams").get(0).path("name").asText()).isEqualTo("logs-vpcflow-default");
        http.send("POST", "/logs-vpcflow-default/_refresh", null).orThrow("_refresh");
        JsonNode hits = http.send("POST", "/logs-vpcflow-default/_search", Http.JSON.readTree("{\"sort\":[{\"@timestamp\":\"asc\"}]}"))
                .orThrow("_search").body().path("hits").path("hits");
        List<String> ids = new ArrayList<>();
        hits.forEach(h -> ids.add(h.path("_id").asText()));
        assertThat(ids).containsExactly("f1", "f2");
        assertThat(hits.get(0).path("_source")).isEqualTo(Http.JSON.readTree(source("2024-03-01T00:00:00Z", "10.0.0.5", 443, "ACCEPT")));
    }
}
