package io.secpipe.connect.source.ec2;

import static io.secpipe.connect.source.ConnectCluster.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.connect.source.ConnectCluster;
import com.fasterxml.jackson.databind.JsonNode;
import io.secpipe.connect.source.aws.AwsClientSettings;
import io.secpipe.connect.source.errors.ErrorRecords;
import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both EC2 inventory connectors in a real Connect worker (exactly-once source support on) over a real
 * KRaft broker, the API mode against the EC2 Query API on WireMock. One cluster for all tests: the
 * machine is shared. Every read is read_committed and looks at topics the way a compacted topic ends up:
 * the last value per key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class Ec2InventoryConnectorsIT {

    private static final String ENI_A = "eni-0a1b2c3d4e5f60001";
    private static final String ENI_B = "eni-0a1b2c3d4e5f60002";
    private static final String ENI_C = "eni-0a1b2c3d4e5f60003";
    private static final String ENI_D = "eni-0d0d0d0d0d0d0d0d1";
    private static final String SG_X = "sg-0f00000000000000a";
    private static final String SG_Y = "sg-0f00000000000000c";
    private static final String I_1 = "i-0aaa0000000000001";
    private static final String I_2 = "i-0aaa0000000000002";
    private static final String ENIS = "ref.eni";
    private static final String GROUPS = "ref.security-groups";
    private static final String INSTANCES = "ref.instances";

    private ConnectCluster cluster;
    private EmbeddedConnectCluster connect;
    private Ec2ApiFake ec2;

    @BeforeAll
    void start() {
        // the SDK's default credentials chain reads these first: no real credentials anywhere near the test
        System.setProperty("aws.accessKeyId", "AKIDSECPIPETEST");
        System.setProperty("aws.secretAccessKey", "not-a-secret");
        ec2 = new Ec2ApiFake();
        cluster = new ConnectCluster("ec2-inventory");
        connect = cluster.connect();
        for (String topic : List.of(ENIS, GROUPS, INSTANCES, "file.eni", "file.sg", "file.instances")) {
            connect.kafka().createTopic(topic, 2, 1, Map.of("cleanup.policy", "compact"));
        }
        connect.kafka().createTopic("file.errors", 1); // error records have no key: never a compacted topic
    }

    @AfterAll
    void stop() {
        cluster.close();
        ec2.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void sweepsWriteDocumentsThenTombstonesAndARestartForgetsNoDisappearance() throws Exception {
        String started = com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
        String reservation = Ec2ApiFake.resource("ec2/api/reservation-0abc00000000000a1.xml");
        String stoppedOnly = "<item><reservationId>r-0abc00000000000a1</reservationId><ownerId>111122223333</ownerId><instancesSet>"
                + "<item><instanceId>" + I_1 + "</instanceId><instanceState><code>80</code><name>stopped</name></instanceState>"
                + "<instanceType>t3.small</instanceType><placement><availabilityZone>eu-west-1b</availabilityZone></placement>"
                + "</item></instancesSet></item>";
        // first sweep: two pages of interfaces, two groups, two instances
        ec2.page("eu-west-1", "DescribeNetworkInterfaces", started, null, "page-2", Ec2ApiFake.resource("ec2/api/" + ENI_A + ".xml"));
        ec2.page("eu-west-1", "DescribeNetworkInterfaces", started, "page-2", null, Ec2ApiFake.resource("ec2/api/" + ENI_B + ".xml"));
        ec2.page("eu-west-1", "DescribeSecurityGroups", started, null, null,
                Ec2ApiFake.resource("ec2/api/" + SG_X + ".xml"), Ec2ApiFake.resource("ec2/api/" + SG_Y + ".xml"));
        ec2.page("eu-west-1", "DescribeInstances", started, null, null, reservation);
        // "broken": the second page of interfaces fails and the group call is not answered: a partial answer
        // must not look like an empty region, so nothing is tombstoned
        ec2.page("eu-west-1", "DescribeNetworkInterfaces", "broken", null, "page-2", Ec2ApiFake.resource("ec2/api/" + ENI_A + ".xml"));
        ec2.failure("eu-west-1", "DescribeNetworkInterfaces", "broken", "page-2");
        ec2.page("eu-west-1", "DescribeInstances", "broken", null, null, reservation);
        // "two": ENI B, group Y and instance 2 are gone, instance 1 is stopped
        ec2.page("eu-west-1", "DescribeNetworkInterfaces", "two", null, null, Ec2ApiFake.resource("ec2/api/" + ENI_A + ".xml"));
        ec2.page("eu-west-1", "DescribeSecurityGroups", "two", null, null, Ec2ApiFake.resource("ec2/api/" + SG_X + ".xml"));
        ec2.page("eu-west-1", "DescribeInstances", "two", null, null, stoppedOnly);
        // "three", while the connector is stopped: ENI A replaced by C
        ec2.page("eu-west-1", "DescribeNetworkInterfaces", "three", null, null, Ec2ApiFake.eni(ENI_C, "eu-west-1a"));
        ec2.page("eu-west-1", "DescribeSecurityGroups", "three", null, null, Ec2ApiFake.resource("ec2/api/" + SG_X + ".xml"));
        ec2.page("eu-west-1", "DescribeInstances", "three", null, null, stoppedOnly);
        // a second region, the same in every state, read by the other task
        ec2.page("us-east-1", "DescribeNetworkInterfaces", null, null, null, Ec2ApiFake.eni(ENI_D, "us-east-1a"));
        ec2.page("us-east-1", "DescribeSecurityGroups", null, null, null);
        ec2.page("us-east-1", "DescribeInstances", null, null, null);

        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, Ec2InventorySourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "2");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, ByteArrayConverter.class.getName());
        config.put(Ec2InventoryConfig.REGIONS, "eu-west-1,us-east-1");
        config.put(Ec2InventoryConfig.POLL_INTERVAL_MINUTES, "0.05"); // a sweep every 3 s
        config.put(AwsClientSettings.REGION, "eu-west-1");
        config.put(AwsClientSettings.ENDPOINT_OVERRIDE, ec2.url());
        connect.configureConnector("inventory", config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("inventory", 2, "connector did not start");

        // first sweep: every resource, as documents
        Map<String, ConsumerRecord<byte[], byte[]>> enis = awaitView(ENIS, v -> v.keySet().containsAll(List.of(ENI_A, ENI_B, ENI_D)));
        Map<String, ConsumerRecord<byte[], byte[]>> groups = awaitView(GROUPS, v -> v.keySet().containsAll(List.of(SG_X, SG_Y)));
        Map<String, ConsumerRecord<byte[], byte[]>> instances = awaitView(INSTANCES, v -> v.keySet().containsAll(List.of(I_1, I_2)));
        assertThat(json(enis.get(ENI_A))).isEqualTo(Ec2ApiFake.json("ec2/expected/" + ENI_A + ".json"));
        assertThat(json(groups.get(SG_X))).isEqualTo(Ec2ApiFake.json("ec2/expected/" + SG_X + ".json"));
        assertThat(json(instances.get(I_1))).isEqualTo(Ec2ApiFake.json("ec2/expected/" + I_1 + ".json"));
        assertThat(json(enis.get(ENI_D)).get("region").asText()).isEqualTo("us-east-1");
        assertThat(header(enis.get(ENI_A), SecpipeHeaders.SOURCE)).isEqualTo("ec2:eu-west-1/DescribeNetworkInterfaces");
        assertThat(header(enis.get(ENI_D), SecpipeHeaders.SOURCE)).isEqualTo("ec2:us-east-1/DescribeNetworkInterfaces");
        assertThat(header(groups.get(SG_X), SecpipeHeaders.ID)).isEqualTo(SG_X);

        assertThat(pluginMetric("inventory", "records-total")).as("records counted as a Connect metric").isGreaterThanOrEqualTo(7.0);

        ec2.state("broken");
        awaitRequests(ec2.failures() + 8); // two whole failed sweeps: the SDK makes 4 attempts each
        assertThat(live(view(ENIS))).containsKeys(ENI_A, ENI_B, ENI_D);
        assertThat(live(view(GROUPS))).containsKeys(SG_X, SG_Y);

        // between two sweeps B, Y and instance 2 disappear: tombstones; instance 1's new state replaces the old
        ec2.state("two");
        enis = awaitView(ENIS, v -> v.containsKey(ENI_B) && v.get(ENI_B).value() == null);
        groups = awaitView(GROUPS, v -> v.containsKey(SG_Y) && v.get(SG_Y).value() == null);
        instances = awaitView(INSTANCES, v -> v.get(I_2).value() == null && v.get(I_1).value() != null
                && "stopped".equals(json(v.get(I_1)).get("state").asText()));
        assertThat(live(enis)).containsOnlyKeys(ENI_A, ENI_D);
        assertThat(live(groups)).containsOnlyKeys(SG_X);
        assertThat(live(instances)).containsOnlyKeys(I_1);
        assertThat(header(enis.get(ENI_B), SecpipeHeaders.SOURCE)).isEqualTo("ec2:eu-west-1/DescribeNetworkInterfaces");

        // A disappears while no task runs: only the ids kept in the source offset can tombstone it after the restart
        connect.stopConnector("inventory");
        connect.assertions().assertConnectorIsStopped("inventory", "connector did not stop");
        Map<String, Integer> before = new HashMap<>();
        for (String topic : List.of(ENIS, GROUPS)) {
            before.put(topic, readCommitted(topic).size());
        }
        ec2.state("three");
        connect.resumeConnector("inventory");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("inventory", 2, "connector did not resume");
        enis = awaitView(ENIS, v -> v.containsKey(ENI_C) && v.get(ENI_A).value() == null);
        assertThat(live(enis)).as("the topic says what AWS says now").containsOnlyKeys(ENI_C, ENI_D);
        assertThat(json(enis.get(ENI_C)).get("region").asText()).isEqualTo("eu-west-1");
        // a restart repeats the sweep: the unchanged group is written again, the same document
        List<ConsumerRecord<byte[], byte[]>> groupsAfter = awaitRecords(GROUPS, before.get(GROUPS) + 1);
        ConsumerRecord<byte[], byte[]> repeated = groupsAfter.get(groupsAfter.size() - 1);
        assertThat(new String(repeated.key(), StandardCharsets.UTF_8)).isEqualTo(SG_X);
        assertThat(json(repeated)).isEqualTo(Ec2ApiFake.json("ec2/expected/" + SG_X + ".json"));
        assertThat(live(view(GROUPS))).containsOnlyKeys(SG_X);
        assertThat(view(GROUPS).get(SG_Y).value()).as("Y stays deleted").isNull();
        connect.deleteConnector("inventory");
    }

    @Test
    void filesInTheCliFormLoadTheSameDocumentsAndABadFileOnlyBecomesAnErrorRecord(@TempDir Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        for (String name : List.of("network-interfaces.json", "truncated.json", "security-groups.json", "instances.json")) {
            Path file = dir.resolve(name);
            Files.writeString(file, Ec2ApiFake.resource("ec2/cli/" + name));
            files.add(file);
        }
        Path noId = dir.resolve("no-id.json"); // valid JSON, but one interface cannot be keyed
        Files.writeString(noId, "{\"NetworkInterfaces\": [{\"Description\": \"who am I\"}]}");
        files.add(noId);
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, Ec2InventoryFileSourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, ByteArrayConverter.class.getName());
        config.put(Ec2InventoryFileConfig.FILES, String.join(",", files.stream().map(Path::toString).toList()));
        config.put(Ec2InventoryConfig.ENI_TOPIC, "file.eni");
        config.put(Ec2InventoryConfig.SECURITY_GROUPS_TOPIC, "file.sg");
        config.put(Ec2InventoryConfig.INSTANCES_TOPIC, "file.instances");
        config.put(ErrorRecords.ERRORS_TOPIC, "file.errors");
        connect.configureConnector("inventory-files", config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("inventory-files", 1, "connector did not start");

        Map<String, ConsumerRecord<byte[], byte[]>> instances = awaitView("file.instances", v -> v.size() == 2);
        Map<String, ConsumerRecord<byte[], byte[]>> enis = view("file.eni");
        Map<String, ConsumerRecord<byte[], byte[]>> groups = view("file.sg");
        assertThat(enis).containsOnlyKeys(ENI_A, ENI_B);
        assertThat(groups).containsOnlyKeys(SG_X, SG_Y);
        assertThat(instances).containsOnlyKeys(I_1, I_2);
        // the same documents as from the API: one mapping
        assertThat(json(enis.get(ENI_A))).isEqualTo(Ec2ApiFake.json("ec2/expected/" + ENI_A + ".json"));
        assertThat(json(groups.get(SG_X))).isEqualTo(Ec2ApiFake.json("ec2/expected/" + SG_X + ".json"));
        assertThat(json(instances.get(I_1))).isEqualTo(Ec2ApiFake.json("ec2/expected/" + I_1 + ".json"));
        assertThat(header(enis.get(ENI_B), SecpipeHeaders.SOURCE)).isEqualTo("file:" + files.get(0) + "#/NetworkInterfaces/1");
        assertThat(header(instances.get(I_2), SecpipeHeaders.SOURCE)).isEqualTo("file:" + files.get(3) + "#/Reservations/0/Instances/1");

        List<ConsumerRecord<byte[], byte[]>> errors = awaitRecords("file.errors", 2);
        assertThat(errors).hasSize(2);
        ConsumerRecord<byte[], byte[]> error = errors.get(0);
        assertThat(error.value()).as("the raw file").isEqualTo(Files.readAllBytes(files.get(1)));
        assertThat(header(error, SecpipeHeaders.SOURCE)).isEqualTo("file:" + files.get(1));
        assertThat(header(error, SecpipeHeaders.ERROR_MESSAGE)).contains("Unexpected end-of-input").contains("line 1, column");
        assertThat(header(error, SecpipeHeaders.ERROR_STAGE)).isEqualTo("ec2-inventory-file");
        ConsumerRecord<byte[], byte[]> unkeyed = errors.get(1);
        assertThat(new String(unkeyed.value(), StandardCharsets.UTF_8)).isEqualTo("{\"Description\":\"who am I\"}");
        assertThat(header(unkeyed, SecpipeHeaders.SOURCE)).isEqualTo("file:" + noId + "#/NetworkInterfaces/0");
        assertThat(header(unkeyed, SecpipeHeaders.ERROR_MESSAGE)).isEqualTo("NetworkInterfaces entry without NetworkInterfaceId");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("inventory-files", 1, "the bad file killed the task");

        // a restart after the end: offsets say every resource and the bad file were sent, nothing is sent twice
        connect.restartConnectorAndTasks("inventory-files", false, true, false);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("inventory-files", 1, "connector did not restart");
        Thread.sleep(5_000);
        assertThat(readCommitted("file.eni")).hasSize(2);
        assertThat(readCommitted("file.sg")).hasSize(2);
        assertThat(readCommitted("file.instances")).hasSize(2);
        assertThat(readCommitted("file.errors")).hasSize(2);
        connect.deleteConnector("inventory-files");
    }

    @Test
    void validateNamesEveryBadKey(@TempDir Path dir) {
        Map<String, String> api = new HashMap<>();
        api.put(ConnectorConfig.NAME_CONFIG, "bad");
        api.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, Ec2InventorySourceConnector.class.getName());
        api.put(Ec2InventoryConfig.REGIONS, "eu-west-1,Ireland");
        api.put(Ec2InventoryConfig.RESOURCES, "eni,volumes");
        api.put(Ec2InventoryConfig.POLL_INTERVAL_MINUTES, "0");
        api.put(Ec2InventoryConfig.ENI_TOPIC, "");
        api.put(AwsClientSettings.ENDPOINT_OVERRIDE, "localhost:4566");
        Map<String, List<String>> errors = errors(Ec2InventorySourceConnector.class, api);
        assertThat(errors).containsOnlyKeys(Ec2InventoryConfig.REGIONS, Ec2InventoryConfig.RESOURCES,
                Ec2InventoryConfig.POLL_INTERVAL_MINUTES, Ec2InventoryConfig.ENI_TOPIC, AwsClientSettings.ENDPOINT_OVERRIDE);
        assertThat(errors.get(Ec2InventoryConfig.REGIONS).get(0)).endsWith("not AWS region names (like eu-west-1): [Ireland]");
        assertThat(errors.get(Ec2InventoryConfig.RESOURCES).get(0))
                .endsWith("unknown resources [volumes]; known: [eni, security-groups, instances]");
        assertThat(errors.get(Ec2InventoryConfig.POLL_INTERVAL_MINUTES).get(0)).contains("at least 0.01");

        api.remove(Ec2InventoryConfig.REGIONS);
        assertThat(errors(Ec2InventorySourceConnector.class, api).get(Ec2InventoryConfig.REGIONS).get(0))
                .contains("Missing required configuration \"regions\"");

        Map<String, String> files = new HashMap<>();
        files.put(ConnectorConfig.NAME_CONFIG, "bad-files");
        files.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, Ec2InventoryFileSourceConnector.class.getName());
        files.put(Ec2InventoryFileConfig.FILES, dir.resolve("missing.json") + ",relative.json");
        files.put(Ec2InventoryFileConfig.BATCH_SIZE, "0");
        files.put(Ec2InventoryFileConfig.REGION, "Frankfurt");
        assertThat(errors(Ec2InventoryFileSourceConnector.class, files)).containsOnly(
                Map.entry(Ec2InventoryFileConfig.REGION, List.of(
                        "Invalid value Frankfurt for configuration region: not an AWS region name like eu-west-1")),
                Map.entry(Ec2InventoryFileConfig.FILES, List.of(
                        "files: '" + dir.resolve("missing.json") + "' does not exist or is not readable by the worker",
                        "files: 'relative.json' is not an absolute path")),
                Map.entry(Ec2InventoryFileConfig.BATCH_SIZE, List.of(
                        "Invalid value 0 for configuration batch.size: Value must be at least 1")));
    }

    private void awaitRequests(int failures) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (ec2.failures() < failures && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        assertThat(ec2.failures()).isGreaterThanOrEqualTo(failures);
    }

    /** A plugin metric of the connector's tasks (KIP-877), summed over tasks, through the worker's JMX reporter. */
    private static double pluginMetric(String connector, String name) throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        java.util.Set<javax.management.ObjectName> names = jmx.queryNames(
                new javax.management.ObjectName("kafka.connect:type=plugins,connector=" + connector + ",*"), null);
        double sum = 0;
        for (javax.management.ObjectName bean : names) {
            try {
                sum += ((Number) jmx.getAttribute(bean, name)).doubleValue();
            } catch (javax.management.AttributeNotFoundException e) {
                // another plugin of the connector (a converter) with other metrics
            }
        }
        assertThat(names).as("plugin metric beans; all connect beans: %s",
                jmx.queryNames(new javax.management.ObjectName("kafka.connect:*"), null)).isNotEmpty();
        return sum;
    }

    @Test
    void theShippedConfigsAreValid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("enis.json");
        Files.writeString(file, Ec2ApiFake.resource("ec2/cli/network-interfaces.json"));
        // the module's directory is the working directory of its tests
        Map<String, String> aws = shipped(Path.of("../connector-configs/aws/ec2-inventory.json"));
        assertThat(errors(Ec2InventorySourceConnector.class, aws)).isEmpty();
        Map<String, String> replay = shipped(Path.of("../connector-configs/local/replay/ec2-inventory-file-source.json"));
        replay.put(Ec2InventoryFileConfig.FILES, file.toString()); // what 'bin/secpipe replay' fills in
        assertThat(errors(Ec2InventoryFileSourceConnector.class, replay)).isEmpty();
    }

    private static Map<String, String> shipped(Path body) throws java.io.IOException {
        Map<String, String> config = new HashMap<>();
        Ec2Documents.JSON.readTree(body.toFile()).fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        config.put(ConnectorConfig.NAME_CONFIG, "shipped");
        return config;
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Map<String, List<String>> errors(Class<?> connector, Map<String, String> config) {
        ConfigInfos result = connect.validateConnectorConfig(connector.getSimpleName(), config);
        Map<String, List<String>> errors = new TreeMap<>();
        result.configs().stream().filter(v -> !v.configValue().errors().isEmpty())
                .forEach(v -> errors.put(v.configValue().name(), v.configValue().errors()));
        assertThat(result.errorCount()).isEqualTo(errors.values().stream().mapToInt(List::size).sum());
        return errors;
    }

    /** The topic as compaction leaves it: the last record per key (a tombstone has a null value). */
    private Map<String, ConsumerRecord<byte[], byte[]>> view(String topic) {
        Map<String, ConsumerRecord<byte[], byte[]>> view = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : readCommitted(topic)) {
            view.put(new String(record.key(), StandardCharsets.UTF_8), record);
        }
        return view;
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> live(Map<String, ConsumerRecord<byte[], byte[]>> view) {
        Map<String, ConsumerRecord<byte[], byte[]>> live = new LinkedHashMap<>(view);
        live.values().removeIf(r -> r.value() == null);
        return live;
    }

    private Map<String, ConsumerRecord<byte[], byte[]>> awaitView(String topic, Predicate<Map<String, ConsumerRecord<byte[], byte[]>>> done)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        Map<String, ConsumerRecord<byte[], byte[]>> view = view(topic);
        while (!done.test(view) && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            view = view(topic);
        }
        assertThat(done.test(view)).as("%s reached the expected state; it holds %s", topic, view.keySet()).isTrue();
        return view;
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, int atLeast) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(topic);
        while (records.size() < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            records = readCommitted(topic);
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(atLeast);
        return records;
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try {
            connect.kafka().consumeAll(Duration.ofSeconds(30).toMillis(),
                    Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), null, topic).forEach(records::add);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + topic, e);
        }
        return records;
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Ec2Documents.JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
