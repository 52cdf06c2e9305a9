package io.secpipe.connect.source.ec2;

import io.secpipe.connect.source.config.PluginVersion;
import io.secpipe.connect.source.config.TaskShares;
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
        return TaskShares.roundRobin(props, Ec2InventoryConfig.REGIONS, new Ec2InventoryConfig(props).regions(), maxTasks);
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
        return PluginVersion.get();
    }
}
