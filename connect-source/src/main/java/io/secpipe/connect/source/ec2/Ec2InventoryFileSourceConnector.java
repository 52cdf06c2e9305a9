package io.secpipe.connect.source.ec2;

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
        List<String> files = new Ec2InventoryFileConfig(props).files();
        int taskCount = Math.min(maxTasks, files.size());
        List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < taskCount; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < files.size(); i++) {
            shares.get(i % taskCount).add(files.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<String> share : shares) {
            Map<String, String> config = new HashMap<>(props);
            config.put(Ec2InventoryFileConfig.FILES, String.join(",", share));
            configs.add(config);
        }
        return configs;
    }

    /** Beyond the ConfigDef's checks: every file must exist and be readable by the worker. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        for (ConfigValue value : config.configValues()) {
            if (value.name().equals(Ec2InventoryFileConfig.FILES) && value.errorMessages().isEmpty()
                    && value.value() instanceof List<?> files) {
                for (Object file : files) {
                    Path path = Path.of(String.valueOf(file));
                    if (!path.isAbsolute()) {
                        value.addErrorMessage("files: '" + file + "' is not an absolute path");
                    } else if (!Files.isReadable(path)) {
                        value.addErrorMessage("files: '" + file + "' does not exist or is not readable by the worker");
                    }
                }
            }
        }
        return config;
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
        return Ec2InventoryConfig.version();
    }
}
