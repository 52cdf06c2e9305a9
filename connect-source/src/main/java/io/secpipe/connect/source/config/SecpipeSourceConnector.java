package io.secpipe.connect.source.config;

import io.secpipe.formats.PluginVersion;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * What every secpipe source connector does alike: it checks its settings at start, keeps them for the tasks, shares
 * its units of work (files, prefixes, log groups, regions) among them, supports exactly-once delivery and reports the
 * plugin's version. A connector adds its ConfigDef, its task class and its task configs, and a validate() beyond the
 * ConfigDef's checks where it has one.
 */
public abstract class SecpipeSourceConnector extends SourceConnector {

    private final ConfigDef configDef;
    private final Class<? extends Task> taskClass;
    private final Function<Map<String, String>, ?> parse;
    private Map<String, String> props = Map.of();

    /** {@code parse} builds the connector's config, throwing a ConfigException when the settings are invalid. */
    protected SecpipeSourceConnector(ConfigDef configDef, Class<? extends Task> taskClass,
                                     Function<Map<String, String>, ?> parse) {
        this.configDef = configDef;
        this.taskClass = taskClass;
        this.parse = parse;
    }

    @Override
    public void start(Map<String, String> props) {
        parse.apply(props);
        this.props = Map.copyOf(props);
    }

    /** The settings the connector was started with. */
    protected Map<String, String> props() {
        return props;
    }

    /** At most {@code maxTasks} task configs, each the connector's settings with {@code key} narrowed to its share. */
    protected List<Map<String, String>> shareOut(String key, List<String> units, int maxTasks) {
        return TaskShares.roundRobin(props, key, units, maxTasks);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return taskClass;
    }

    /**
     * Every task's source offset names exactly the records sent (a line or byte position, a resource, an event id),
     * and the worker writes it in the records' transaction.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return configDef;
    }

    @Override
    public String version() {
        return PluginVersion.of(getClass());
    }
}
