package io.secpipe.connect.source.ec2;

import io.secpipe.connect.source.config.ReadableFiles;
import io.secpipe.connect.source.config.SecpipeSourceConnector;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;

/**
 * Loads {@code ref.eni}, {@code ref.security-groups} and {@code ref.instances} from the JSON that
 * {@code aws ec2 describe-*} prints, for air-gapped sites and the demo; documents as in API mode.
 * A file is one snapshot among possibly several (one per region or account), so no tombstones here.
 */
public class Ec2InventoryFileSourceConnector extends SecpipeSourceConnector {

    public Ec2InventoryFileSourceConnector() {
        super(Ec2InventoryFileConfig.CONFIG_DEF, Ec2InventoryFileSourceTask.class, Ec2InventoryFileConfig::new);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return shareOut(Ec2InventoryFileConfig.FILES, new Ec2InventoryFileConfig(props()).files(), maxTasks);
    }

    /** Beyond the ConfigDef's checks: every file must exist and be readable by the worker. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ReadableFiles.check(super.validate(connectorConfigs), Ec2InventoryFileConfig.FILES);
    }
}
