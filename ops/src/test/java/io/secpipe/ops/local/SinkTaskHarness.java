package io.secpipe.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink task as a worker runs it, without the worker: its plugin's class loader, a task context, flow records. */
final class SinkTaskHarness {

    static final Path ROOT = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();
    static final String TOPIC = "vpcflow.enriched";

    private SinkTaskHarness() {
    }

    /**
     * The plugin's own jars, preferring them for secpipe classes and resources: the test classpath's
     * connect-sink comes from the local repository and may be a stale snapshot; the plugin directory is
     * what this build packaged.
     */
    static URLClassLoader pluginLoader() throws IOException {
        Path dir = ROOT.resolve("connect-sink/target/plugin");
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                jars.add(f.toUri().toURL());
            }
        }
        assertThat(jars).as("jars in " + dir + ": build with package first").isNotEmpty();
        return new URLClassLoader(jars.toArray(URL[]::new), SinkTaskHarness.class.getClassLoader()) {
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

    /** A task of the plugin, initialized and started as a worker does it. */
    static SinkTask startTask(URLClassLoader plugin, Map<String, String> props, List<Reported> reported) throws Exception {
        SinkTask task = (SinkTask) plugin.loadClass("io.secpipe.connect.sink.ElasticsearchSinkTask").getConstructor().newInstance();
        task.initialize(context(props, reported));
        task.start(props);
        return task;
    }

    /** The same records again, as after a lost commit: a replay must overwrite, never duplicate. */
    static List<SinkRecord> replayOf(List<SinkRecord> records) {
        List<SinkRecord> replay = new ArrayList<>();
        for (SinkRecord r : records) {
            replay.add(r.newRecord(r.topic(), r.kafkaPartition(), null, null, null, r.value(), r.timestamp(), r.headers().duplicate()));
        }
        return replay;
    }

    record Reported(SinkRecord record, Throwable error) {
    }

    static SinkTaskContext context(Map<String, String> props, List<Reported> reported) {
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

    static String source(String time, String src, int dstport, String action) {
        return "{\"@timestamp\":\"" + time + "\",\"version\":2,\"account_id\":\"111122223333\",\"interface_id\":\"eni-0123456789abcdef0\","
                + "\"srcaddr\":\"" + src + "\",\"dstaddr\":\"10.0.1.7\",\"srcport\":49152,\"dstport\":" + dstport + ",\"protocol\":6,"
                + "\"protocol_name\":\"tcp\",\"packets\":10,\"bytes\":5200,\"start\":1709251200,\"end\":1709251260,\"action\":\"" + action
                + "\",\"log_status\":\"OK\"}";
    }

    static SinkRecord flow(long offset, String id, String time, String src, int dstport, String action) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("secpipe.id", id);
        return new SinkRecord(TOPIC, 0, null, "eni-0123456789abcdef0", null, source(time, src, dstport, action), offset,
                System.currentTimeMillis(), org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
    }

    static String header(SinkRecord record, String name) {
        var header = record.headers().lastWithName(name);
        return header == null ? null : String.valueOf(header.value());
    }

    static Map<TopicPartition, OffsetAndMetadata> offsets(long next) {
        return Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(next));
    }

    static Map<String, Long> counts(Http http) throws Exception {
        http.send("POST", "/cwl-vpcflow-*/_refresh", null).orThrow("_refresh");
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode hit : search(http, "{\"match_all\":{}}")) {
            counts.merge(hit.path("_index").asText(), 1L, Long::sum);
        }
        return counts;
    }

    static List<JsonNode> search(Http http, String query) throws Exception {
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
