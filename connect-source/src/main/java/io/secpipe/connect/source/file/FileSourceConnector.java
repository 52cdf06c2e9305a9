package io.secpipe.connect.source.file;

import io.secpipe.connect.source.config.ReadableFiles;
import io.secpipe.connect.source.config.SecpipeSourceConnector;
import io.secpipe.connect.source.framing.FramingSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Reads local files into a topic through a framing (flow logs, CloudTrail, JSON lines, CloudWatch Logs
 * subscription payloads, CSV), once or following them as they grow. Files are shared out among the tasks;
 * each frame's position is its source offset, so a restarted task neither repeats nor skips a record.
 */
public class FileSourceConnector extends SecpipeSourceConnector {

    public FileSourceConnector() {
        super(FileSourceConfig.CONFIG_DEF, FileSourceTask.class, FileSourceConfig::new);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return shareOut(FileSourceConfig.FILES, new FileSourceConfig(props()).files(), maxTasks);
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
            tail.addErrorMessage(FileSourceConfig.TAIL + ": " + FileSourceConfig.tailProblem(String.valueOf(framing.value())));
        }
        return config;
    }
}
