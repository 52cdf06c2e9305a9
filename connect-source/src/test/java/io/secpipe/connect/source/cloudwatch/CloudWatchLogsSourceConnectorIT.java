package io.secpipe.connect.source.cloudwatch;

import static io.secpipe.connect.source.ConnectCluster.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.connect.source.ConnectCluster;
import io.secpipe.connect.source.aws.AwsClientSettings;
import io.secpipe.formats.SecpipeHeaders;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The CloudWatch Logs source in a real Connect worker (exactly-once source support on) over a real KRaft
 * broker, reading a WireMock CloudWatch Logs. One cluster for the class: starting one costs more than the tests.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudWatchLogsSourceConnectorIT {

    private static final long T0 = 1_700_000_000_000L;

    private ConnectCluster cluster;
    private EmbeddedConnectCluster connect;
    private CloudWatchLogsFake cwl;

    @BeforeAll
    void start() {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "secret");
        cwl = new CloudWatchLogsFake(25, 15); // small, slightly slow pages: a restart lands mid-stream
        cluster = new ConnectCluster("cwl-source");
        connect = cluster.connect();
    }

    @AfterAll
    void stop() {
        if (connect != null) {
            cluster.close();
        }
        if (cwl != null) {
            cwl.close();
        }
    }

    private Map<String, String> config(String topic) {
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, CloudWatchLogsSourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "2");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, ByteArrayConverter.class.getName());
        config.put(CloudWatchLogsSourceConfig.TOPIC, topic);
        config.put(CloudWatchLogsSourceConfig.BATCH_SIZE, "40");
        config.put(CloudWatchLogsSourceConfig.POLL_INTERVAL_MS, "200");
        config.put(CloudWatchLogsSourceConfig.INGESTION_DELAY_MS, "0");
        config.put(CloudWatchLogsSourceConfig.RETRY_BACKOFF_MS, "100");
        config.put(AwsClientSettings.REGION, "us-east-1");
        config.put(AwsClientSettings.ENDPOINT_OVERRIDE, cwl.endpoint());
        return config;
    }

    /**
     * Records carry their event's time (2023 here), so a topic with time retention deletes them as soon as the
     * broker checks, and they would look lost: keep everything.
     */
    private void createTopic(String topic, int partitions) {
        connect.kafka().createTopic(topic, partitions, 1, Map.of("retention.ms", "-1"));
    }

    /** Events whose timestamps come in runs of {@code run}, spread over the streams in turn. */
    private void addEvents(String group, List<String> streams, int count, int run, long from) {
        for (int i = 0; i < count; i++) {
            cwl.add(group, streams.get(i % streams.size()), from + (i / run) * 1000L, group + " event " + i);
        }
    }

    private Set<String> allIds(String... groups) {
        Set<String> ids = new HashSet<>();
        for (String group : groups) {
            cwl.events(group).forEach(e -> ids.add(e.id()));
        }
        return ids;
    }

    @Test
    void aStopAndRestartMidStreamNeitherRepeatsNorLosesAnEvent() throws Exception {
        String topic = "raw.cwl.restart";
        String name = "cwl-restart";
        String flows = "/secpipe/flows";
        String alerts = "/secpipe/ossec";
        String trail = "/secpipe/cloudtrail";
        List<String> enis = List.of("eni-0a-all", "eni-0b-all", "eni-0c-all");
        addEvents(flows, enis, 900, 4, T0);
        addEvents(alerts, List.of("agent-001"), 300, 3, T0);
        addEvents(trail, List.of("123456789012_CloudTrail_us-east-1"), 30, 1, T0);
        cwl.add("/other/not-matched", "s", T0, "outside the prefix");
        createTopic(topic, 2);

        Map<String, String> config = config(topic);
        config.put(CloudWatchLogsSourceConfig.LOG_GROUP_PREFIX, "/secpipe/");
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "connector did not start");
        connect.kafka().consume(300, Duration.ofSeconds(60).toMillis(), topic);
        // a restart while the groups are still being read
        connect.restartConnectorAndTasks(name, false, true, false);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "connector did not restart");
        List<ConsumerRecord<byte[], byte[]>> firstRound = readCommitted(topic, 1230);
        List<String> missing = missing(firstRound, flows, alerts, trail);
        assertThat(missing).as("events not in the topic after the restart").isEmpty();
        assertThat(firstRound).hasSize(1230);

        // stopped with every event sent; meanwhile more arrive, some at the very timestamp of the last one sent
        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "connector did not stop");
        long lastFlow = T0 + (899 / 4) * 1000L;
        for (int i = 0; i < 3; i++) {
            cwl.add(flows, enis.get(i), lastFlow, "late at the same millisecond " + i);
        }
        long lastAlert = T0 + (299 / 3) * 1000L;
        cwl.add(alerts, "agent-002", lastAlert, "alert at the same millisecond");
        addEvents(flows, enis, 50, 2, lastFlow + 1000); // the last two share a timestamp
        addEvents(alerts, List.of("agent-001"), 10, 1, lastAlert + 1000);
        connect.resumeConnector(name);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 2, "connector did not resume");

        Set<String> expected = allIds(flows, alerts, trail);
        assertThat(expected).hasSize(1294);
        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(topic, expected.size());
        Map<String, Long> seen = records.stream()
                .collect(Collectors.groupingBy(r -> header(r, SecpipeHeaders.ID), Collectors.counting()));
        assertThat(seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)).as("no event twice").isEmpty();
        assertThat(seen.keySet()).as("every event once, nothing else").isEqualTo(expected);

        CloudWatchLogsFake.Event last = cwl.events(flows).get(cwl.events(flows).size() - 1);
        ConsumerRecord<byte[], byte[]> record = records.stream().filter(r -> header(r, SecpipeHeaders.ID).equals(last.id()))
                .findFirst().orElseThrow();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(last.stream());
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(last.message());
        assertThat(record.timestamp()).as("append time, not event time").isGreaterThan(last.timestamp());
        assertThat(header(record, SecpipeHeaders.SOURCE)).isEqualTo("cwl:" + flows + "/" + last.stream() + "#" + last.id());

        // the committed offset of the flow-log group: its last timestamp and the two ids sent at it
        List<CloudWatchLogsFake.Event> flowEvents = cwl.events(flows);
        String lastTwo = flowEvents.get(flowEvents.size() - 2).id() + "," + last.id();
        Map<String, ?> offset = connect.connectorOffsets(name).offsets().stream()
                .filter(o -> flows.equals(o.partition().get(CloudWatchLogsSourceTask.PARTITION_GROUP)))
                .map(ConnectorOffset::offset).findFirst().orElseThrow();
        assertThat(((Number) offset.get(CloudWatchLogsSourceTask.OFFSET_TIMESTAMP)).longValue()).isEqualTo(last.timestamp());
        assertThat(offset.get(CloudWatchLogsSourceTask.OFFSET_IDS)).isEqualTo(lastTwo);

        // the task counters, as plugin metrics in the worker's JMX
        assertThat(pluginMetric(name, "records-total")).isPositive();
        assertThat(pluginMetric(name, "bytes-total")).isPositive();
        connect.deleteConnector(name);
    }

    @Test
    void throttlingIsRetriedWithBackoffInsteadOfFailingTheTask() throws Exception {
        String topic = "raw.cwl.throttled";
        String name = "cwl-throttled";
        String group = "/throttled/alerts";
        addEvents(group, List.of("agent-1"), 20, 1, T0);
        // more refusals in a row than the SDK retries by itself
        cwl.throttle(group, 7);
        createTopic(topic, 1);
        Map<String, String> config = config(topic);
        config.put(CloudWatchLogsSourceConfig.LOG_GROUPS, group);
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "connector did not start");

        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(topic, 20);
        assertThat(records.stream().map(r -> header(r, SecpipeHeaders.ID)).collect(Collectors.toSet())).isEqualTo(allIds(group));
        assertThat(records).hasSize(20);
        assertThat(cwl.throttledCount()).as("every throttled answer was sent, none skipped").isEqualTo(7);
        assertThat(cwl.requests(CloudWatchLogsFake.FILTER).stream().filter(r -> r.getBodyAsString().contains(group)).count())
                .isGreaterThanOrEqualTo(8);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "the task failed instead of backing off");
        connect.deleteConnector(name);
    }

    @Test
    void validateNamesEachBadKeyWithAMessage() {
        Map<String, String> config = config("ignored");
        config.put(ConnectorConfig.NAME_CONFIG, "bad");
        config.remove(CloudWatchLogsSourceConfig.TOPIC);
        config.put(CloudWatchLogsSourceConfig.START_POSITION, "yesterday");
        config.put(CloudWatchLogsSourceConfig.POLL_INTERVAL_MS, "5");
        assertThat(errors(config)).containsExactlyInAnyOrder(
                "log.groups: [log.groups: name at least one log group, or set log.group.prefix instead]",
                "start.position: [Invalid value yesterday for configuration start.position: "
                        + "use earliest, latest or an ISO-8601 instant such as 2024-05-01T00:00:00Z]",
                "poll.interval.ms: [Invalid value 5 for configuration poll.interval.ms: Value must be at least 10]",
                "topic: [Missing required configuration \"topic\" which has no default value.]");

        Map<String, String> both = config("raw.ossec");
        both.put(ConnectorConfig.NAME_CONFIG, "both");
        both.put(CloudWatchLogsSourceConfig.LOG_GROUPS, "/ossec/alerts");
        both.put(CloudWatchLogsSourceConfig.LOG_GROUP_PREFIX, "/ossec/");
        assertThat(errors(both)).containsExactly(
                "log.group.prefix: [log.group.prefix: set either log.groups or log.group.prefix, not both]");

        Map<String, String> badName = config("raw.ossec");
        badName.put(ConnectorConfig.NAME_CONFIG, "bad-name");
        badName.put(CloudWatchLogsSourceConfig.LOG_GROUPS, "/ossec/alerts,my alerts");
        assertThat(errors(badName)).containsExactly("log.groups: [Invalid value [/ossec/alerts, my alerts] for configuration "
                + "log.groups: 'my alerts' is not a log group name (1-512 characters: letters, digits and . _ - / #)]");

        Map<String, String> good = config("raw.cloudtrail");
        good.put(ConnectorConfig.NAME_CONFIG, "good");
        good.put(CloudWatchLogsSourceConfig.LOG_GROUP_PREFIX, "aws-cloudtrail-logs-");
        good.put(CloudWatchLogsSourceConfig.START_POSITION, "2024-05-01T00:00:00Z");
        assertThat(errors(good)).isEmpty();
    }

    /** The messages of the groups' events that are not among the records. */
    private List<String> missing(List<ConsumerRecord<byte[], byte[]>> records, String... groups) {
        Set<String> seen = records.stream().map(r -> header(r, SecpipeHeaders.ID)).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        for (String group : groups) {
            cwl.events(group).stream().filter(e -> !seen.contains(e.id())).forEach(e -> missing.add(e.message()));
        }
        return missing;
    }

    private List<String> errors(Map<String, String> config) {
        ConfigInfos result = connect.validateConnectorConfig(CloudWatchLogsSourceConnector.class.getSimpleName(), config);
        return result.configs().stream()
                .filter(v -> !v.configValue().errors().isEmpty())
                .map(v -> v.configValue().name() + ": " + v.configValue().errors()).toList();
    }

    /** Sum of a plugin metric over the connector's tasks, read from the platform MBean server. */
    private static double pluginMetric(String connector, String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double sum = 0;
        for (ObjectName mbean : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
            if (connector.equals(mbean.getKeyProperty("connector"))) {
                try {
                    sum += ((Number) server.getAttribute(mbean, attribute)).doubleValue();
                } catch (javax.management.AttributeNotFoundException e) {
                    // another plugin's metrics (converters, ...)
                }
            }
        }
        return sum;
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected) throws Exception {
        return cluster.readCommitted(expected, topic);
    }
}
