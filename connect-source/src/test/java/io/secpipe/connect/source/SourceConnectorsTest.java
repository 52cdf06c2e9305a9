package io.secpipe.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.connect.source.cloudwatch.CloudWatchLogsSourceConfig;
import io.secpipe.connect.source.cloudwatch.CloudWatchLogsSourceConnector;
import io.secpipe.connect.source.cloudwatch.CloudWatchLogsSourceTask;
import io.secpipe.connect.source.config.SecpipeSourceConnector;
import io.secpipe.connect.source.ec2.Ec2InventoryConfig;
import io.secpipe.connect.source.ec2.Ec2InventoryFileConfig;
import io.secpipe.connect.source.ec2.Ec2InventoryFileSourceConnector;
import io.secpipe.connect.source.ec2.Ec2InventoryFileSourceTask;
import io.secpipe.connect.source.ec2.Ec2InventorySourceConnector;
import io.secpipe.connect.source.ec2.Ec2InventorySourceTask;
import io.secpipe.connect.source.file.FileSourceConfig;
import io.secpipe.connect.source.file.FileSourceConnector;
import io.secpipe.connect.source.file.FileSourceTask;
import io.secpipe.connect.source.s3.S3SourceConfig;
import io.secpipe.connect.source.s3.S3SourceConnector;
import io.secpipe.connect.source.s3.S3SourceTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the five source connectors share, through their common base, and what each keeps of its own. */
class SourceConnectorsTest {

    @TempDir
    Path dir;

    @Test
    void eachConnectorNamesItsConfigAndTaskAndSupportsExactlyOnce() {
        assertShared(new FileSourceConnector(), FileSourceConfig.CONFIG_DEF.names(), FileSourceTask.class);
        assertShared(new S3SourceConnector(), S3SourceConfig.CONFIG_DEF.names(), S3SourceTask.class);
        assertShared(new CloudWatchLogsSourceConnector(), CloudWatchLogsSourceConfig.CONFIG_DEF.names(),
                CloudWatchLogsSourceTask.class);
        assertShared(new Ec2InventorySourceConnector(), Ec2InventoryConfig.CONFIG_DEF.names(),
                Ec2InventorySourceTask.class);
        assertShared(new Ec2InventoryFileSourceConnector(), Ec2InventoryFileConfig.CONFIG_DEF.names(),
                Ec2InventoryFileSourceTask.class);
    }

    private static void assertShared(SecpipeSourceConnector connector, Set<String> keys, Class<?> task) {
        assertThat(connector.config().names()).isEqualTo(keys);
        assertThat(connector.taskClass()).isEqualTo(task);
        assertThat(connector.exactlyOnceSupport(Map.of())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        // a build tree has no jar manifest
        assertThat(connector.version()).isEqualTo("dev");
    }

    @Test
    void filesAreSharedRoundRobinAmongAtMostMaxTasks() {
        FileSourceConnector connector = new FileSourceConnector();
        connector.start(Map.of(FileSourceConfig.FILES, "/a,/b,/c"));
        assertThat(connector.taskConfigs(2)).extracting(t -> t.get(FileSourceConfig.FILES)).containsExactly("/a,/c", "/b");
        assertThat(connector.taskConfigs(5)).extracting(t -> t.get(FileSourceConfig.FILES)).containsExactly("/a", "/b", "/c");
        assertThat(connector.taskConfigs(1).get(0)).containsEntry(FileSourceConfig.FILES, "/a,/b,/c");
        connector.stop();
    }

    @Test
    void tailWithAFramingThatCannotFollowIsReportedOnTail() throws IOException {
        Path file = Files.writeString(dir.resolve("trail.json"), "{\"Records\":[]}");
        List<ConfigValue> values = new FileSourceConnector().validate(Map.of(FileSourceConfig.FILES, file.toString(),
                FileSourceConfig.FRAMING, "cloudtrail", FileSourceConfig.TAIL, "true")).configValues();
        ConfigValue tail = values.stream().filter(v -> v.name().equals(FileSourceConfig.TAIL)).findFirst().orElseThrow();
        assertThat(tail.errorMessages()).containsExactly(
                "tail: the cloudtrail framing cannot follow a growing file; tail needs flowlog, jsonlines or csv");
    }
}
