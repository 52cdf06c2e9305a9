package io.secpipe.connect.source.ec2;

import io.secpipe.connect.source.config.SecpipeSourceConnector;
import java.util.List;
import java.util.Map;

/**
 * Reads the EC2 inventory (network interfaces, security groups, instances) of a list of regions every
 * few minutes into compacted topics, with a tombstone for each resource that has disappeared.
 * Regions are shared out among the tasks.
 */
public class Ec2InventorySourceConnector extends SecpipeSourceConnector {

    public Ec2InventorySourceConnector() {
        super(Ec2InventoryConfig.CONFIG_DEF, Ec2InventorySourceTask.class, Ec2InventoryConfig::new);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return shareOut(Ec2InventoryConfig.REGIONS, new Ec2InventoryConfig(props()).regions(), maxTasks);
    }
}
