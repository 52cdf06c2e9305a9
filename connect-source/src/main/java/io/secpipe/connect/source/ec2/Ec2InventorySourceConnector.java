package io.secpipe.connect.source.ec2;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Reads the EC2 inventory (network interfaces, security groups, instances) of a list of regions every
 * few minutes into compacted topics, with a tombstone for each resource that has disappeared.
 * Regions are shared out among the tasks.
 */
public class Ec2InventorySourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new Ec2InventoryConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return Ec2InventorySourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<String> regions = new Ec2InventoryConfig(props).regions();
        int taskCount = Math.min(maxTasks, regions.size());
        List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < taskCount; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < regions.size(); i++) {
            shares.get(i % taskCount).add(regions.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<String> share : shares) {
            Map<String, String> config = new HashMap<>(props);
            config.put(Ec2InventoryConfig.REGIONS, String.join(",", share));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // one poll() is one region's sweep of one resource kind, its records and its offset in one transaction
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return Ec2InventoryConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return Ec2InventoryConfig.version();
    }
}
