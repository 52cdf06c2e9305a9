package io.secpipe.connect.source.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.connect.source.aws.AwsClientSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connector without a worker: sharing out groups, prefix resolution and refresh, the shipped configs. */
@Timeout(60)
class CloudWatchLogsSourceConnectorUnitTest {

    @BeforeAll
    static void fakeCredentials() {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @Test
    void groupsAreSharedOutAndTasksOnlySeeNames() {
        CloudWatchLogsSourceConnector connector = new CloudWatchLogsSourceConnector();
        connector.start(Map.of(CloudWatchLogsSourceConfig.LOG_GROUPS, "/c,/a,/b,/e,/d", CloudWatchLogsSourceConfig.TOPIC, "raw.ossec"));
        List<Map<String, String>> tasks = connector.taskConfigs(2);
        assertThat(tasks).extracting(t -> t.get(CloudWatchLogsSourceConfig.LOG_GROUPS)).containsExactly("/a,/c,/e", "/b,/d");
        assertThat(connector.taskConfigs(10)).hasSize(5);
        assertThat(connector.exactlyOnceSupport(Map.of())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        connector.stop();
    }

    @Test
    void aPrefixIsResolvedThroughEveryPageAndNewGroupsAskForNewTasks() throws Exception {
        try (CloudWatchLogsFake cwl = new CloudWatchLogsFake(100, 0)) {
            cwl.group("/ossec/a");
            cwl.group("/ossec/b");
            cwl.group("/other");
            CountDownLatch reconfigured = new CountDownLatch(1);
            CloudWatchLogsSourceConnector connector = new CloudWatchLogsSourceConnector();
            connector.initialize(new SourceConnectorContext() {
                @Override
                public OffsetStorageReader offsetStorageReader() {
                    return null;
                }

                @Override
                public void requestTaskReconfiguration() {
                    reconfigured.countDown();
                }

                @Override
                public void raiseError(Exception e) {
                }

                @Override
                public PluginMetrics pluginMetrics() {
                    return null;
                }
            });
            Map<String, String> props = new HashMap<>();
            props.put(CloudWatchLogsSourceConfig.LOG_GROUP_PREFIX, "/ossec/");
            props.put(CloudWatchLogsSourceConfig.LOG_GROUP_REFRESH_MS, "50");
            props.put(CloudWatchLogsSourceConfig.TOPIC, "raw.ossec");
            props.put(AwsClientSettings.REGION, "us-east-1");
            props.put(AwsClientSettings.ENDPOINT_OVERRIDE, cwl.endpoint());
            connector.start(props);
            try {
                List<Map<String, String>> tasks = connector.taskConfigs(1);
                assertThat(tasks).hasSize(1);
                assertThat(tasks.get(0)).containsEntry(CloudWatchLogsSourceConfig.LOG_GROUPS, "/ossec/a,/ossec/b")
                        .doesNotContainKey(CloudWatchLogsSourceConfig.LOG_GROUP_PREFIX);
                assertThat(cwl.requests(CloudWatchLogsFake.DESCRIBE_GROUPS)).hasSizeGreaterThanOrEqualTo(2); // one group a page

                cwl.group("/ossec/c");
                assertThat(reconfigured.await(10, TimeUnit.SECONDS)).as("asked for new task configs").isTrue();
                assertThat(connector.taskConfigs(1).get(0)).containsEntry(CloudWatchLogsSourceConfig.LOG_GROUPS, "/ossec/a,/ossec/b,/ossec/c");
            } finally {
                connector.stop();
            }
        }
    }

    @Test
    void theShippedConfigsAreValidAndWriteToTheirTopics() throws Exception {
        Map<String, String> topics = Map.of(
                "cloudwatch-vpcflow.json", "raw.vpcflow",
                "cloudwatch-ossec.json", "raw.ossec",
                "cloudwatch-cloudtrail.json", "raw.cloudtrail",
                "cloudwatch-ec2-events.json", "raw.ec2-events");
        Path dir = Path.of("..", "connector-configs", "aws");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().startsWith("cloudwatch-")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrderElementsOf(topics.keySet());
        for (Path file : files) {
            Map<String, String> config = new ObjectMapper().readValue(file.toFile(), new TypeReference<>() {
            });
            List<String> errors = new CloudWatchLogsSourceConnector().validate(config).configValues().stream()
                    .filter(v -> !v.errorMessages().isEmpty()).map(ConfigValue::toString).toList();
            assertThat(errors).as(file.toString()).isEmpty();
            assertThat(config).as(file.toString())
                    .containsEntry("connector.class", CloudWatchLogsSourceConnector.class.getName())
                    .containsEntry(CloudWatchLogsSourceConfig.TOPIC, topics.get(file.getFileName().toString()));
        }
    }
}
