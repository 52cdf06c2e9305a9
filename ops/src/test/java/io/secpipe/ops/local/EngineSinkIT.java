package io.secpipe.ops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

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

    private static final Path ROOT = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();
    private static final String TOPIC = "vpcflow.enriched";

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
            SinkTask task = (SinkTask) plugin.loadClass("io.secpipe.connect.sink.ElasticsearchSinkTask").getConstructor().newInstance();
            task.initialize(context(props, reported));
            task.start(props);
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

                // a replay (same records at later offsets, as after a lost commit) overwrites, never duplicates
                List<SinkRecord> replay = new ArrayList<>();
                for (SinkRecord r : first) {
                    replay.add(r.newRecord(r.topic(), r.kafkaPartition(), null, null, null, r.value(), r.timestamp(), r.headers().duplicate()));
                }
                task.put(replay);
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

    /**
     * The plugin's own jars, preferring them for secpipe classes and resources: the test classpath's
     * connect-sink comes from the local repository and may be a stale snapshot; the plugin directory is
     * what this build packaged.
     */
    private static URLClassLoader pluginLoader() throws IOException {
        Path dir = ROOT.resolve("connect-sink/target/plugin");
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                jars.add(f.toUri().toURL());
            }
        }
        assertThat(jars).as("jars in " + dir + ": build with package first").isNotEmpty();
        return new URLClassLoader(jars.toArray(URL[]::new), EngineSinkIT.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith("io.secpipe.")) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = findClass(name);
                    }
                    return c;
                }
            }

            @Override
            public URL getResource(String name) {
                URL own = findResource(name); // the bundled templates too: the stale jar has older ones
                return own != null ? own : super.getResource(name);
            }
        };
    }

    private record Reported(SinkRecord record, Throwable error) {
    }

    private static SinkTaskContext context(Map<String, String> props, List<Reported> reported) {
        return new SinkTaskContext() {
            @Override public Map<String, String> configs() { return props; }
            @Override public void offset(Map<TopicPartition, Long> offsets) { }
            @Override public void offset(TopicPartition tp, long offset) { }
            @Override public void timeout(long timeoutMs) { }
            @Override public Set<TopicPartition> assignment() { return Set.of(new TopicPartition(TOPIC, 0)); }
            @Override public void pause(TopicPartition... partitions) { }
            @Override public void resume(TopicPartition... partitions) { }
            @Override public void requestCommit() { }
            @Override public PluginMetrics pluginMetrics() { return null; }
            @Override public ErrantRecordReporter errantRecordReporter() {
                return (record, error) -> {
                    reported.add(new Reported(record, error));
                    return CompletableFuture.<Void>completedFuture(null);
                };
            }
        };
    }

    private static String source(String time, String src, int dstport, String action) {
        return "{\"@timestamp\":\"" + time + "\",\"version\":2,\"account_id\":\"111122223333\",\"interface_id\":\"eni-0123456789abcdef0\","
                + "\"srcaddr\":\"" + src + "\",\"dstaddr\":\"10.0.1.7\",\"srcport\":49152,\"dstport\":" + dstport + ",\"protocol\":6,"
                + "\"protocol_name\":\"tcp\",\"packets\":10,\"bytes\":5200,\"start\":1709251200,\"end\":1709251260,\"action\":\"" + action
                + "\",\"log_status\":\"OK\"}";
    }

    private static SinkRecord flow(long offset, String id, String time, String src, int dstport, String action) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("secpipe.id", id);
        return new SinkRecord(TOPIC, 0, null, "eni-0123456789abcdef0", null, source(time, src, dstport, action), offset,
                System.currentTimeMillis(), org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
    }

    private static String header(SinkRecord record, String name) {
        var header = record.headers().lastWithName(name);
        return header == null ? null : String.valueOf(header.value());
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(long next) {
        return Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(next));
    }

    private static Map<String, Long> counts(Http http) throws Exception {
        http.send("POST", "/cwl-vpcflow-*/_refresh", null).orThrow("_refresh");
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode hit : search(http, "{\"match_all\":{}}")) {
            counts.merge(hit.path("_index").asText(), 1L, Long::sum);
        }
        return counts;
    }

    private static List<JsonNode> search(Http http, String query) throws Exception {
        http.send("POST", "/cwl-vpcflow-*/_refresh", null).orThrow("_refresh");
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("size", 100);
        body.put("version", true);
        body.set("query", Http.JSON.readTree(query));
        body.putArray("sort").addObject().put("@timestamp", "asc");
        List<JsonNode> hits = new ArrayList<>();
        http.send("POST", "/cwl-vpcflow-*/_search", body).orThrow("_search").body().path("hits").path("hits").forEach(hits::add);
        return hits;
    }


}
