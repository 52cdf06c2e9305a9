package io.secpipe.connect.source.file;

import io.secpipe.connect.source.config.ReadableFiles;
import io.secpipe.connect.source.config.TaskShares;
import io.secpipe.connect.source.config.PluginVersion;
import io.secpipe.connect.source.framing.FramingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Reads local files into a topic through a framing (flow logs, CloudTrail, JSON lines, CloudWatch Logs
 * subscription payloads, CSV), once or following them as they grow. Files are shared out among the tasks;
 * each frame's position is its source offset, so a restarted task neither repeats nor skips a record.
 */
public class FileSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new FileSourceConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskShares.roundRobin(props, FileSourceConfig.FILES, new FileSourceConfig(props).files(), maxTasks);
    }

    /** Beyond the ConfigDef's checks: every file must exist and be readable by the worker. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = FramingSettings.check(ReadableFiles.check(super.validate(connectorConfigs), FileSourceConfig.FILES));
        Map<String, ConfigValue> byName = new HashMap<>();
        config.configValues().forEach(v -> byName.put(v.name(), v));
        ConfigValue tail = byName.get(FileSourceConfig.TAIL);
        ConfigValue framing = byName.get(FileSourceConfig.FRAMING);
        if (tail != null && framing != null && Boolean.TRUE.equals(tail.value()) && tail.errorMessages().isEmpty()
                && framing.errorMessages().isEmpty() && !FileSourceConfig.canFollow(String.valueOf(framing.value()))) {
            tail.addErrorMessage("tail: the " + framing.value() + " framing cannot follow a growing file; tail needs flowlog, jsonlines or csv");
        }
        return config;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // offsets are exact line positions, written in the same transaction as the records
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return FileSourceConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
