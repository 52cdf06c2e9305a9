package io.secpipe.connect.source.ec2;

import io.secpipe.connect.source.config.PluginVersion;
import io.secpipe.connect.source.config.ReadableFiles;
import io.secpipe.connect.source.config.TaskShares;
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
 * Loads {@code ref.eni}, {@code ref.security-groups} and {@code ref.instances} from the JSON that
 * {@code aws ec2 describe-*} prints, for air-gapped sites and the demo; documents as in API mode.
 * A file is one snapshot among possibly several (one per region or account), so no tombstones here.
 */
public class Ec2InventoryFileSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new Ec2InventoryFileConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return Ec2InventoryFileSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskShares.roundRobin(props, Ec2InventoryFileConfig.FILES, new Ec2InventoryFileConfig(props).files(), maxTasks);
    }

    /** Beyond the ConfigDef's checks: every file must exist and be readable by the worker. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ReadableFiles.check(super.validate(connectorConfigs), Ec2InventoryFileConfig.FILES);
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // offsets are exact resource positions in a file, written in the same transaction as the records
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return Ec2InventoryFileConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }
}
