package io.secpipe.connect.source.cloudwatch;

import io.secpipe.connect.source.config.SecpipeSourceConnector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

/**
 * Reads CloudWatch Logs groups into a topic. The groups (named, or found by prefix) are shared out among
 * the tasks; each group's source offset is its last event timestamp plus the event ids already sent at
 * that timestamp, so a restarted task neither repeats nor skips an event.
 */
public class CloudWatchLogsSourceConnector extends SecpipeSourceConnector {

    private static final Logger log = LoggerFactory.getLogger(CloudWatchLogsSourceConnector.class);

    private volatile List<String> groups = List.of();
    private ScheduledExecutorService refresher;

    public CloudWatchLogsSourceConnector() {
        super(CloudWatchLogsSourceConfig.CONFIG_DEF, CloudWatchLogsSourceTask.class, CloudWatchLogsSourceConfig::new);
    }

    @Override
    public void start(Map<String, String> props) {
        super.start(props);
        CloudWatchLogsSourceConfig config = new CloudWatchLogsSourceConfig(props);
        if (config.logGroupPrefix().isEmpty()) {
            groups = List.copyOf(new TreeSet<>(config.logGroups()));
            return;
        }
        groups = describeGroups(config);
        log.info("Log groups with prefix '{}': {}", config.logGroupPrefix(), groups);
        if (config.logGroupRefreshMs() > 0) {
            refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "cwl-log-group-refresh");
                thread.setDaemon(true);
                return thread;
            });
            refresher.scheduleWithFixedDelay(() -> refresh(config), config.logGroupRefreshMs(), config.logGroupRefreshMs(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Groups created or deleted since the last look: ask the worker for new task configs. */
    private void refresh(CloudWatchLogsSourceConfig config) {
        try {
            List<String> found = describeGroups(config);
            if (!found.equals(groups)) {
                log.info("Log groups with prefix '{}' changed from {} to {}", config.logGroupPrefix(), groups, found);
                groups = found;
                context.requestTaskReconfiguration();
            }
        } catch (RuntimeException e) {
            // a failed look keeps the current groups; the next look may succeed
            log.warn("Could not list the log groups with prefix '{}': {}", config.logGroupPrefix(), e.toString());
        }
    }

    private static List<String> describeGroups(CloudWatchLogsSourceConfig config) {
        try (CloudWatchLogsClient client = config.aws().configure(CloudWatchLogsClient.builder()).build()) {
            TreeSet<String> names = new TreeSet<>();
            client.describeLogGroupsPaginator(r -> r.logGroupNamePrefix(config.logGroupPrefix()))
                    .logGroups().stream().map(LogGroup::logGroupName).forEach(names::add);
            return List.copyOf(names);
        } catch (SdkException e) {
            throw new ConnectException("Cannot list the log groups with prefix '" + config.logGroupPrefix() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<String> all = groups;
        if (all.isEmpty()) {
            log.warn("No log group to read yet; no task runs until one appears");
            return List.of();
        }
        List<Map<String, String>> configs = shareOut(CloudWatchLogsSourceConfig.LOG_GROUPS, all, maxTasks);
        // a task only ever sees names: the prefix was resolved here
        configs.forEach(config -> config.remove(CloudWatchLogsSourceConfig.LOG_GROUP_PREFIX));
        return configs;
    }

    /** Beyond each key's own checks: exactly one of log.groups and log.group.prefix, reported on the key concerned. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = new HashMap<>();
        config.configValues().forEach(v -> values.put(v.name(), v));
        ConfigValue groupsValue = values.get(CloudWatchLogsSourceConfig.LOG_GROUPS);
        ConfigValue prefixValue = values.get(CloudWatchLogsSourceConfig.LOG_GROUP_PREFIX);
        if (groupsValue.errorMessages().isEmpty() && prefixValue.errorMessages().isEmpty()) {
            @SuppressWarnings("unchecked")
            List<String> names = groupsValue.value() instanceof List<?> list ? (List<String>) list : List.of();
            String problem = CloudWatchLogsSourceConfig.groupSelectionProblem(names, (String) prefixValue.value());
            if (problem != null) {
                (problem.startsWith(CloudWatchLogsSourceConfig.LOG_GROUPS + ":") ? groupsValue : prefixValue).addErrorMessage(problem);
            }
        }
        return config;
    }

    @Override
    public void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }
}
