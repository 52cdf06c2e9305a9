package io.secpipe.connect.source.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file source in a real Connect worker (exactly-once source support on) over a real KRaft broker. */
@Timeout(240)
class FileSourceConnectorTest {

    private static final String TOPIC = "raw.vpcflow";
    private static final String NAME = "flows";

    @TempDir
    Path dir;
    private EmbeddedConnectCluster connect;

    @BeforeEach
    void start() {
        Map<String, String> worker = new HashMap<>();
        worker.put(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, "enabled");
        worker.put("offset.flush.interval.ms", "600000"); // offsets must come from the transactions, not a periodic flush
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        connect = new EmbeddedConnectCluster.Builder().name("file-source").numWorkers(1).workerProps(worker)
                .brokerProps(broker).build();
        connect.start();
        connect.kafka().createTopic(TOPIC, 2);
    }

    @AfterEach
    void stop() {
        connect.stop();
    }

    private Map<String, String> config(Path... files) {
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, FileSourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "2");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        config.put(FileSourceConfig.FILES, String.join(",", java.util.Arrays.stream(files).map(Path::toString).toList()));
        config.put(FileSourceConfig.BATCH_SIZE, "50");
        return config;
    }

    @Test
    void aRestartMidStreamNeitherRepeatsNorLosesALine() throws Exception {
        Path plain = dir.resolve("plain.log");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 4000; i++) {
            lines.add("2 123456789012 eni-0000000" + (i % 7) + " 10.0.0.1 10.0.0.2 1 2 6 1 " + i + " 1700000000 1700000060 ACCEPT OK");
            if (i == 10) {
                lines.add(""); // a blank line is no record, but counts as a line
            }
        }
        Files.write(plain, lines);
        Path gz = dir.resolve("custom.log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            StringBuilder text = new StringBuilder("interface-id srcaddr dstaddr start action\n");
            for (int i = 1; i <= 3000; i++) {
                text.append("eni-1 10.0.0.").append(i % 250).append(" 10.0.1.1 ").append(1700000000 + i).append(" ACCEPT\n");
            }
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }

        connect.configureConnector(NAME, config(plain, gz));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(NAME, 2, "connector did not start");
        connect.kafka().consume(1500, Duration.ofSeconds(60).toMillis(), TOPIC); // well before the end
        connect.restartConnectorAndTasks(NAME, false, true, false);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(NAME, 2, "connector did not restart");

        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(7000);
        Map<String, Integer> positions = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            positions.merge(header(record, SecpipeHeaders.SOURCE), 1, Integer::sum);
        }
        assertThat(records).hasSize(7000);
        assertThat(positions.values()).as("no line twice").containsOnly(1);
        // every data line of both files once: plain lines 1-4001 but the blank line 11, gz lines 2-3001 (line 1 is the header)
        for (int line = 1; line <= 4001; line++) {
            if (line != 11) {
                assertThat(positions).containsKey(SourcePosition.ofFileLine(plain, line).uri());
            }
        }
        for (int line = 2; line <= 3001; line++) {
            assertThat(positions).containsKey(SourcePosition.ofFileLine(gz, line).uri());
        }
        ConsumerRecord<byte[], byte[]> first = records.stream()
                .filter(r -> header(r, SecpipeHeaders.SOURCE).equals(SourcePosition.ofFileLine(gz, 2).uri())).findFirst().orElseThrow();
        assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("eni-1");
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("eni-1 10.0.0.1 10.0.1.1 1700000001 ACCEPT");
        assertThat(header(first, SecpipeHeaders.FORMAT)).isEqualTo("interface-id srcaddr dstaddr start action");
        assertThat(header(first, SecpipeHeaders.ID)).isEqualTo(SourcePosition.ofFileLine(gz, 2).documentId());
    }

    @Test
    void validateNamesTheBadKey() {
        Map<String, String> config = config(dir.resolve("missing.log"));
        config.put(ConnectorConfig.NAME_CONFIG, "bad");
        config.put(FileSourceConfig.FORMAT, "version srcaddr no-such-field");
        ConfigInfos result = connect.validateConnectorConfig(FileSourceConnector.class.getSimpleName(), config);
        List<String> errors = result.configs().stream()
                .filter(v -> !v.configValue().errors().isEmpty())
                .map(v -> v.configValue().name() + ": " + v.configValue().errors()).toList();
        assertThat(errors).containsExactlyInAnyOrder(
                "files: [files: '" + dir.resolve("missing.log") + "' does not exist or is not readable by the worker]",
                "format: [Invalid value version srcaddr no-such-field for configuration format: unknown flow-log fields [no-such-field]]");
        assertThat(result.errorCount()).isEqualTo(2);
    }

    /** Everything committed to the topic, read again until {@code expected} records are there (or 90 s pass). */
    private List<ConsumerRecord<byte[], byte[]>> readCommitted(int expected) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 90_000;
        do {
            records.clear();
            connect.kafka().consumeAll(Duration.ofSeconds(30).toMillis(),
                    Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), null, TOPIC).forEach(records::add);
        } while (records.size() < expected && System.currentTimeMillis() < deadline && sleep());
        return records;
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(500);
        return true;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

}
