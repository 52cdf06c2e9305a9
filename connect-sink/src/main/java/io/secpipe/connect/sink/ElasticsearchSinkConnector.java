package io.secpipe.connect.sink;

import io.secpipe.formats.PluginVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/** Writes JSON documents from topics into Elasticsearch 8 or OpenSearch 2/3 through the bulk API. */
public class ElasticsearchSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new ElasticsearchSinkConfig(props);
        Map<String, String> problems = ElasticsearchSinkConfig.crossChecks(props);
        if (!problems.isEmpty()) {
            Map.Entry<String, String> first = problems.entrySet().iterator().next();
            throw new ConfigException(first.getKey(), props.get(first.getKey()), first.getValue());
        }
        this.props = Map.copyOf(props);
    }

    /** ConfigDef's per-key checks, plus the checks between keys, each reported against the key to change. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        boolean singleKeyErrors = config.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty());
        if (!singleKeyErrors) {
            ElasticsearchSinkConfig.crossChecks(connectorConfigs).forEach((key, message) -> config.configValues().stream()
                    .filter(v -> v.name().equals(key)).findFirst().ifPresent(v -> v.addErrorMessage(message)));
        }
        return config;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ElasticsearchSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return ElasticsearchSinkConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return PluginVersion.of(getClass());
    }
}
