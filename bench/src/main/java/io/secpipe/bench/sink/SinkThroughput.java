package io.secpipe.bench.sink;

import io.secpipe.connect.sink.ElasticsearchSinkTask;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * Documents per second through one sink task into a running engine, for a few batch sizes: records
 * are put as Connect would (500 per put), then one commit waits for every acknowledgement. Each run
 * writes a fresh index and deletes it afterwards.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.secpipe.bench.sink.SinkThroughput http://127.0.0.1:9200 [documents] [batch sizes...]</pre>
 */
public final class SinkThroughput {

    private SinkThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:9200";
        int documents = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        List<Integer> batchSizes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            batchSizes.add(Integer.parseInt(args[i]));
        }
        if (batchSizes.isEmpty()) {
            batchSizes = List.of(100, 500, 2000, 5000);
        }
        System.out.printf("%-10s %-10s %-12s %-10s%n", "batch", "docs", "seconds", "docs/s");
        run(url, 20_000, 1000, "warmup");
        for (int batch : batchSizes) {
            double seconds = run(url, documents, batch, "b" + batch);
            System.out.printf("%-10d %-10d %-12.2f %-10.0f%n", batch, documents, seconds, documents / seconds);
        }
    }

    static double run(String url, int documents, int batchSize, String name) throws Exception {
        String index = "bench-sink-" + name;
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", url);
        props.put("index.pattern", index);
        props.put("document.id.strategy", "topic_partition_offset");
        props.put("batch.size", String.valueOf(batchSize));
        props.put("max.buffered.records", String.valueOf(Math.max(batchSize * 5, 20_000)));
        props.put("read.timeout.ms", "60000");
        props.put("flush.timeout.ms", "600000");
        ElasticsearchSinkTask task = new ElasticsearchSinkTask();
        task.initialize(new Context(props));
        task.start(props);
        List<SinkRecord> put = new ArrayList<>(500);
        long started = System.nanoTime();
        for (int i = 0; i < documents; i++) {
            put.add(new SinkRecord("vpcflow.enriched", 0, null, null, null, document(i), i, 0L, null, new ConnectHeaders()));
            if (put.size() == 500) {
                task.put(put);
                put = new ArrayList<>(500);
            }
        }
        task.put(put);
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition("vpcflow.enriched", 0), new OffsetAndMetadata(documents));
        if (!task.preCommit(offsets).equals(offsets)) {
            throw new IllegalStateException("not every document was acknowledged");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        task.stop();
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/" + index)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        return seconds;
    }

    static String document(int i) {
        return "{\"@timestamp\":\"" + Instant.ofEpochSecond(1709251200L + i) + "\",\"version\":2,\"account_id\":\"111122223333\","
                + "\"interface_id\":\"eni-0123456789abcdef0\",\"srcaddr\":\"10.0." + (i >> 8 & 255) + "." + (i & 255) + "\","
                + "\"dstaddr\":\"10.0.1.7\",\"srcport\":" + (1024 + i % 60000) + ",\"dstport\":443,\"protocol\":6,\"packets\":10,"
                + "\"bytes\":" + (40 + i % 9000) + ",\"start\":1709251200,\"end\":1709251260,\"action\":\"ACCEPT\",\"log_status\":\"OK\","
                + "\"direction\":\"egress\"}";
    }

    /** What the task needs of a worker: nothing is errant here. */
    private record Context(Map<String, String> configs) implements SinkTaskContext {
        @Override public void offset(Map<TopicPartition, Long> offsets) { }
        @Override public void offset(TopicPartition tp, long offset) { }
        @Override public void timeout(long timeoutMs) { }
        @Override public Set<TopicPartition> assignment() { return Set.of(); }
        @Override public void pause(TopicPartition... partitions) { }
        @Override public void resume(TopicPartition... partitions) { }
        @Override public void requestCommit() { }
        @Override public PluginMetrics pluginMetrics() { return null; }
    }
}
