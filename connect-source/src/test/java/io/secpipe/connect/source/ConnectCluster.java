package io.secpipe.connect.source;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A real Connect worker with exactly-once source support on a real single-node KRaft broker, in the
 * test JVM, and the reads connector tests need.
 */
public final class ConnectCluster implements AutoCloseable {

    private final EmbeddedConnectCluster connect;

    public ConnectCluster(String name) {
        this(name, Map.of());
    }

    /** With further worker settings, e.g. a {@code plugin.path}. */
    public ConnectCluster(String name, Map<String, String> workerSettings) {
        Map<String, String> worker = new HashMap<>(workerSettings);
        worker.put(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, "enabled");
        worker.put("offset.flush.interval.ms", "600000"); // offsets must come from the transactions, not a periodic flush
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        connect = new EmbeddedConnectCluster.Builder().name(name).numWorkers(1).workerProps(worker).brokerProps(broker).build();
        connect.start();
    }

    public EmbeddedConnectCluster connect() {
        return connect;
    }

    /** Everything committed to the topics, read again until at least {@code expected} records are there (or 90 s pass). */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(int expected, String... topics) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            records.clear();
            connect.kafka().consumeAll(Duration.ofSeconds(30).toMillis(),
                    Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), null, topics).forEach(records::add);
            if (records.size() >= expected || System.currentTimeMillis() > deadline) {
                return records;
            }
            Thread.sleep(500);
        }
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        connect.stop();
    }
}
