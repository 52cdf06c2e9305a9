package io.secpipe.connect.source.file;

import static io.secpipe.connect.source.ConnectCluster.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.connect.source.ConnectCluster;
import io.secpipe.connect.source.framing.FramingSettings;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file source in a real Connect worker (exactly-once source support on) over a real KRaft broker. */
@Timeout(240)
class FileSourceConnectorIT {

    private static final String TOPIC = "raw.vpcflow";
    private static final String NAME = "flows";

    @TempDir
    Path dir;
    private ConnectCluster cluster;
    private EmbeddedConnectCluster connect;

    @BeforeEach
    void start() {
        cluster = new ConnectCluster("file-source");
        connect = cluster.connect();
        connect.kafka().createTopic(TOPIC, 2);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Map<String, String> config(Path... files) {
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, FileSourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "2");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, ByteArrayConverter.class.getName());
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

        // the files' modification times are their delivery times, the same before and after the restart
        Files.setLastModifiedTime(plain, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-11-01T09:00:00Z")));
        Files.setLastModifiedTime(gz, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-11-01T10:05:00.123456Z")));

        connect.configureConnector(NAME, config(plain, gz));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(NAME, 2, "connector did not start");
        connect.kafka().consume(1500, Duration.ofSeconds(60).toMillis(), TOPIC); // well before the end
        connect.restartConnectorAndTasks(NAME, false, true, false);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(NAME, 2, "connector did not restart");

        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(7000);
        Map<String, Integer> positions = new HashMap<>();
        Map<String, Integer> deliveryTimes = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            positions.merge(header(record, SecpipeHeaders.SOURCE), 1, Integer::sum);
            deliveryTimes.merge(header(record, SecpipeHeaders.DELIVERY_TIME), 1, Integer::sum);
        }
        assertThat(records).hasSize(7000);
        assertThat(deliveryTimes).as("each file's modification time, to the millisecond")
                .isEqualTo(Map.of("2026-11-01T09:00:00Z", 4000, "2026-11-01T10:05:00.123Z", 3000));
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

    /** One alerts.json line: a Wazuh-shaped alert numbered {@code seq}. */
    private static String alert(int seq) {
        return "{\"timestamp\":\"2026-11-01T10:" + String.format("%02d:%02d", seq / 60 % 60, seq % 60) + ".000+0000\","
                + "\"rule\":{\"level\":" + (3 + seq % 8) + ",\"id\":\"55" + (seq % 10) + "1\",\"description\":\"fixture alert\"},"
                + "\"agent\":{\"id\":\"00" + (seq % 3) + "\",\"name\":\"web-0" + (seq % 3) + "\"},\"seq\":" + seq + ",\"location\":\"/var/log/secure\"}";
    }

    private static String alerts(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int seq = from; seq <= to; seq++) {
            text.append(alert(seq)).append('\n');
        }
        return text.toString();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private Map<String, String> tailConfig(Path file) {
        Map<String, String> config = config(file);
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(FileSourceConfig.TOPIC, "raw.ossec");
        config.put(FileSourceConfig.ERRORS_TOPIC, "dlq.ossec");
        config.put(FileSourceConfig.FRAMING, "jsonlines");
        config.put(FramingSettings.KEY_FIELD, "agent.name,hostname");
        config.put(FileSourceConfig.TAIL, "true");
        config.put(FileSourceConfig.BATCH_SIZE, "7");
        config.put(FileSourceConfig.POLL_INTERVAL_MS, "100");
        return config;
    }

    @Test
    void tailFollowsAGrowingFileThroughRotationsAndRestartsEachLineOnceInOrder() throws Exception {
        connect.kafka().createTopic("raw.ossec", 1);
        connect.kafka().createTopic("dlq.ossec", 1);
        Path alerts = dir.resolve("alerts.json");
        String line51 = alert(51);
        append(alerts, alerts(1, 50) + line51.substring(0, 40)); // the writer is halfway through line 51
        connect.configureConnector("ossec", tailConfig(alerts));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("ossec", 1, "tail did not start");
        readCommitted("raw.ossec", 50);
        Thread.sleep(1000);
        assertThat(readCommitted("raw.ossec", 50)).as("half a line is not sent").hasSize(50);

        // the line is finished, more arrive with a malformed one among them, and the task restarts meanwhile
        append(alerts, line51.substring(40) + "\n" + alerts(52, 75) + "{\"rule\":{\"level\":12},\"agent\":{\"name\":\"web-01\"\n"
                + alerts(76, 100));
        readCommitted("raw.ossec", 60);
        connect.restartConnectorAndTasks("ossec", false, true, false);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("ossec", 1, "tail did not restart");
        readCommitted("raw.ossec", 100);

        // rotated while the connector is stopped, with unread lines left in the old file
        connect.stopConnector("ossec");
        connect.assertions().assertConnectorIsStopped("ossec", "connector did not stop");
        append(alerts, alerts(101, 110));
        Files.move(alerts, dir.resolve("alerts.json.1"));
        append(alerts, alerts(111, 150));
        connect.resumeConnector("ossec");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("ossec", 1, "tail did not resume");
        readCommitted("raw.ossec", 150);

        // rotated while running: the writer finishes the old file after the rename, then writes the new one
        append(alerts, alerts(151, 160));
        Files.move(alerts, dir.resolve("alerts.json.2"));
        append(dir.resolve("alerts.json.2"), alerts(161, 165));
        append(alerts, alerts(166, 199) + alert(200).substring(0, 10));
        Thread.sleep(500);
        append(alerts, alert(200).substring(10) + "\n");

        List<ConsumerRecord<byte[], byte[]>> records = readCommitted("raw.ossec", 200);
        assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList())
                .as("every line once, in order").containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 200)
                        .mapToObj(FileSourceConnectorIT::alert).toList());
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("web-01");
        assertThat(records.stream().map(r -> header(r, SecpipeHeaders.ID)).distinct())
                .as("line n of the new file has another id than line n of the old one").hasSize(200);
        assertThat(header(records.get(110), SecpipeHeaders.SOURCE)).as("seq 111 is line 1 of the new file")
                .isEqualTo(SourcePosition.ofFileLine(alerts, 1).uri());

        List<ConsumerRecord<byte[], byte[]>> errors = readCommitted("dlq.ossec", 1);
        assertThat(errors).hasSize(1);
        ConsumerRecord<byte[], byte[]> error = errors.get(0);
        assertThat(new String(error.value(), StandardCharsets.UTF_8)).isEqualTo("{\"rule\":{\"level\":12},\"agent\":{\"name\":\"web-01\"");
        assertThat(header(error, SecpipeHeaders.SOURCE)).isEqualTo(SourcePosition.ofFileLine(alerts, 76).uri());
        assertThat(header(error, SecpipeHeaders.ERROR_CLASS)).startsWith("com.fasterxml.jackson");
        assertThat(header(error, SecpipeHeaders.ERROR_MESSAGE)).contains("end-of-input");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("ossec", 1, "a malformed line must not stop the task");
    }

    @Test
    void csvRowsGoToACompactedTopicByKeyColumnAndBadRowsAndABrokenGzipToTheErrorsTopic() throws Exception {
        connect.kafka().createTopic("ref.users", 1, 1, Map.of("cleanup.policy", "compact"));
        connect.kafka().createTopic("dlq.users", 1);
        Path broken = dir.resolve("users-old.csv.gz");
        StringBuilder old = new StringBuilder("user_id,display_name,department,email\n");
        for (int i = 1; i <= 3000; i++) {
            old.append("o-").append(i).append(",Old User ").append(i).append(",Archive,old").append(i).append("@example.org\n");
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(old.toString().getBytes(StandardCharsets.UTF_8));
        }
        Files.write(broken, java.util.Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
        Path users = dir.resolve("users.csv");
        Files.writeString(users, "user_id,display_name,department,email\n"
                + "u-1001,\"Doe, Jane\",Security,jane@example.org\n"
                + "u-1002,Sam Roe,Platform\n"
                + "u-1003,\"Kim \"\"K\"\" Lee\",Finance,kim@example.org\n");

        Map<String, String> config = config(broken, users);
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(FileSourceConfig.TOPIC, "ref.users");
        config.put(FileSourceConfig.ERRORS_TOPIC, "dlq.users");
        config.put(FileSourceConfig.FRAMING, "csv");
        config.put(FramingSettings.CSV_KEY_COLUMN, "user_id");
        connect.configureConnector("users", config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("users", 1, "csv source did not start");

        List<ConsumerRecord<byte[], byte[]>> errors = readCommitted("dlq.users", 2);
        assertThat(errors).hasSize(2);
        ConsumerRecord<byte[], byte[]> truncated = errors.get(0);
        assertThat(header(truncated, SecpipeHeaders.ERROR_CLASS)).isEqualTo("java.io.EOFException");
        assertThat(header(truncated, SecpipeHeaders.SOURCE)).startsWith("file:" + broken + "#");
        ConsumerRecord<byte[], byte[]> narrow = errors.get(1);
        assertThat(header(narrow, SecpipeHeaders.SOURCE)).isEqualTo(SourcePosition.ofFileLine(users, 3).uri());
        assertThat(header(narrow, SecpipeHeaders.ERROR_MESSAGE)).isEqualTo("the row has 3 columns, the header 4");
        assertThat(new String(narrow.value(), StandardCharsets.UTF_8)).isEqualTo("u-1002,Sam Roe,Platform");

        List<ConsumerRecord<byte[], byte[]>> rows = readCommitted("ref.users", 1);
        long brokenAt = Long.parseLong(header(truncated, SecpipeHeaders.SOURCE).replaceAll(".*#", ""));
        int oldRows = (int) brokenAt - 2; // lines 2 .. brokenAt-1 of the broken file made it
        assertThat(oldRows).isBetween(1, 2999);
        rows = readCommitted("ref.users", oldRows + 2);
        assertThat(rows).hasSize(oldRows + 2);
        ConsumerRecord<byte[], byte[]> jane = rows.get(oldRows);
        assertThat(new String(jane.key(), StandardCharsets.UTF_8)).isEqualTo("u-1001");
        assertThat(new String(jane.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"user_id\":\"u-1001\",\"display_name\":\"Doe, Jane\",\"department\":\"Security\",\"email\":\"jane@example.org\"}");
        assertThat(new String(rows.get(oldRows + 1).value(), StandardCharsets.UTF_8)).contains("\"display_name\":\"Kim \\\"K\\\" Lee\"");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("users", 1, "bad input must not stop the task");
        assertThat(pluginMetric("records-total")).isEqualTo(oldRows + 2.0);
        assertThat(pluginMetric("errors-total")).isEqualTo(2.0);
    }

    /**
     * The seed's reference CSV (Gunosy's users: user_id, gender, segment_id by position, no header row) through the
     * file source with csv.columns gives ref.users the records that the same rows under a header give.
     */
    @Test
    void aHeaderlessCsvWithConfiguredColumnsGivesTheRecordsOfItsHeaderForm() throws Exception {
        connect.kafka().createTopic("ref.users", 1, 1, Map.of("cleanup.policy", "compact"));
        connect.kafka().createTopic("ref.users.header", 1, 1, Map.of("cleanup.policy", "compact"));
        byte[] seed;
        try (var in = getClass().getResourceAsStream("/csv/seed-users.csv")) {
            seed = in.readAllBytes();
        }
        Path headerless = dir.resolve("mydata.csv");
        Files.write(headerless, seed);
        Path withHeader = dir.resolve("users-with-header.csv");
        Files.writeString(withHeader, "user_id,gender,segment_id\n" + new String(seed, StandardCharsets.UTF_8));

        Map<String, String> config = config(headerless);
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(FileSourceConfig.TOPIC, "ref.users");
        config.put(FileSourceConfig.FRAMING, "csv");
        config.put(FramingSettings.CSV_KEY_COLUMN, "user_id");
        config.put(FramingSettings.CSV_COLUMNS, "user_id,gender,segment_id");
        connect.configureConnector("users-headerless", config);
        Map<String, String> headerConfig = config(withHeader);
        headerConfig.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        headerConfig.put(FileSourceConfig.TOPIC, "ref.users.header");
        headerConfig.put(FileSourceConfig.FRAMING, "csv");
        headerConfig.put(FramingSettings.CSV_KEY_COLUMN, "user_id");
        connect.configureConnector("users-header", headerConfig);

        List<String> rows = keyAndValue(readCommitted("ref.users", 3));
        assertThat(rows).containsExactly(
                "101 {\"user_id\":\"101\",\"gender\":\"female\",\"segment_id\":\"1\"}",
                "102 {\"user_id\":\"102\",\"gender\":\"male\",\"segment_id\":\"2\"}",
                "103 {\"user_id\":\"103\",\"gender\":\"female\",\"segment_id\":\"3\"}");
        assertThat(keyAndValue(readCommitted("ref.users.header", 3))).isEqualTo(rows);
    }

    @Test
    void validateNamesAKeyColumnThatIsNotAmongTheCsvColumns() {
        Map<String, String> config = config(dir);
        config.put(ConnectorConfig.NAME_CONFIG, "bad-columns");
        config.put(FileSourceConfig.FRAMING, "csv");
        config.put(FramingSettings.CSV_KEY_COLUMN, "USER_ID");
        config.put(FramingSettings.CSV_COLUMNS, "user_id,gender,segment_id");
        ConfigInfos result = connect.validateConnectorConfig(FileSourceConnector.class.getSimpleName(), config);
        List<String> errors = result.configs().stream()
                .filter(v -> !v.configValue().errors().isEmpty())
                .map(v -> v.configValue().name() + ": " + v.configValue().errors()).toList();
        assertThat(errors).containsExactly("csv.key.column: [csv.key.column: the key column 'USER_ID' is not one of the "
                + "columns [user_id, gender, segment_id] of csv.columns]");
    }

    private static List<String> keyAndValue(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8) + " " + new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    /** A SourceTaskMetrics counter of the (single) running task, read over JMX like an operator would. */
    private static double pluginMetric(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : server.queryNames(new ObjectName("kafka.connect:*"), null)) {
            try {
                return ((Number) server.getAttribute(name, attribute)).doubleValue();
            } catch (javax.management.AttributeNotFoundException notHere) {
                // another MBean
            }
        }
        throw new AssertionError("no MBean has " + attribute);
    }

    @Test
    void tailNeedsALineFraming() {
        Map<String, String> config = config(dir);
        config.put(ConnectorConfig.NAME_CONFIG, "bad-tail");
        config.put(FileSourceConfig.FRAMING, "cloudtrail");
        config.put(FileSourceConfig.TAIL, "true");
        ConfigInfos result = connect.validateConnectorConfig(FileSourceConnector.class.getSimpleName(), config);
        List<String> errors = result.configs().stream()
                .filter(v -> !v.configValue().errors().isEmpty())
                .map(v -> v.configValue().name() + ": " + v.configValue().errors()).toList();
        assertThat(errors).containsExactly(
                "tail: [tail: the cloudtrail framing cannot follow a growing file; tail needs flowlog, jsonlines or csv]");
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted(int expected) throws Exception {
        return cluster.readCommitted(expected, TOPIC);
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected) throws Exception {
        return cluster.readCommitted(expected, topic);
    }
}
