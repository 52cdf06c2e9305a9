package io.secpipe.connect.source.cloudwatch;

import io.secpipe.connect.source.aws.AwsClientSettings;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of the CloudWatch Logs source: which log groups, where to start, how to poll, which topic. */
public class CloudWatchLogsSourceConfig extends AbstractConfig {

    public static final String LOG_GROUPS = "log.groups";
    public static final String LOG_GROUP_PREFIX = "log.group.prefix";
    public static final String LOG_GROUP_REFRESH_MS = "log.group.refresh.ms";
    public static final String LOG_STREAM_PREFIX = "log.stream.prefix";
    public static final String START_POSITION = "start.position";

    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String BATCH_SIZE = "batch.size";
    public static final String INGESTION_DELAY_MS = "ingestion.delay.ms";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";

    public static final String TOPIC = "topic";
    public static final String FORMAT = "format";

    public static final String EARLIEST = "earliest";
    public static final String LATEST = "latest";

    /** CloudWatch's own rule for log group names, so a typo is caught by validate instead of by AWS at run time. */
    private static final Pattern GROUP_NAME = Pattern.compile("[._\\-/#A-Za-z0-9]{1,512}");

    public static final ConfigDef CONFIG_DEF = AwsClientSettings.define(defineRecords(definePolling(defineSource(new ConfigDef()))));

    private static ConfigDef defineSource(ConfigDef def) {
        String group = "Log groups";
        return def
                .define(LOG_GROUPS, Type.LIST, List.of(), CloudWatchLogsSourceConfig::validateGroupNames, Importance.HIGH,
                        "Log groups to read, by name. Set this or " + LOG_GROUP_PREFIX + ", not both. "
                                + "The groups are shared out among the tasks; each group's position is its source offset.",
                        group, 1, Width.LONG, "Log groups")
                .define(LOG_GROUP_PREFIX, Type.STRING, "", Importance.HIGH,
                        "Read every log group whose name starts with this prefix (found with DescribeLogGroups). "
                                + "Set this or " + LOG_GROUPS + ", not both.",
                        group, 2, Width.MEDIUM, "Log group prefix")
                .define(LOG_GROUP_REFRESH_MS, Type.LONG, 300_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "With " + LOG_GROUP_PREFIX + ": how often to look for log groups created or deleted since, "
                                + "and share them out anew. 0: only when the connector starts.",
                        group, 3, Width.SHORT, "Log group refresh (ms)")
                .define(LOG_STREAM_PREFIX, Type.STRING, "", Importance.MEDIUM,
                        "Only read log streams whose name starts with this prefix (e.g. eni- for the flow logs of interfaces). "
                                + "Empty: every stream.",
                        group, 4, Width.MEDIUM, "Log stream prefix")
                .define(START_POSITION, Type.STRING, EARLIEST, CloudWatchLogsSourceConfig::validateStartPosition, Importance.MEDIUM,
                        "Where a log group without a stored offset starts: earliest (its oldest event), latest (events "
                                + "from the moment the task starts) or an ISO-8601 instant such as 2024-05-01T00:00:00Z. "
                                + "Once a group has an offset, the offset wins.",
                        group, 5, Width.MEDIUM, "Start position");
    }

    private static ConfigDef definePolling(ConfigDef def) {
        String group = "Polling";
        return def
                .define(POLL_INTERVAL_MS, Type.LONG, 5_000L, ConfigDef.Range.atLeast(10), Importance.MEDIUM,
                        "How long to wait before asking a log group again once it has no more events. FilterLogEvents has a "
                                + "small per-account request quota, so many groups polled often will be throttled.",
                        group, 1, Width.SHORT, "Poll interval (ms)")
                .define(BATCH_SIZE, Type.INT, 1_000, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                        "Largest number of events returned by one poll of a task.",
                        group, 2, Width.SHORT, "Batch size")
                .define(INGESTION_DELAY_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "Only read events whose timestamp is at least this old. CloudWatch accepts events with timestamps in "
                                + "the past, and the offset only moves forward, so an event that reaches CloudWatch later than "
                                + "this after its own timestamp is not read. VPC flow logs arrive up to ~10 minutes late.",
                        group, 3, Width.SHORT, "Ingestion delay (ms)")
                .define(RETRY_BACKOFF_MS, Type.LONG, 1_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "First wait after CloudWatch throttled the task (after the SDK's own retries); doubled on each "
                                + "further throttling, with jitter, up to " + RETRY_BACKOFF_MAX_MS + ".",
                        group, 4, Width.SHORT, "Retry backoff (ms)")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Longest wait between attempts while CloudWatch keeps throttling.",
                        group, 5, Width.SHORT, "Retry backoff max (ms)");
    }

    private static ConfigDef defineRecords(ConfigDef def) {
        String group = "Records";
        return def
                .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Topic the events are written to, e.g. raw.vpcflow, raw.ossec or raw.cloudtrail. "
                                + "Key: the log stream name; value: the event's message, untouched.",
                        group, 1, Width.MEDIUM, "Topic")
                .define(FORMAT, Type.STRING, "", Importance.LOW,
                        "For VPC flow logs with a custom format: the flow log's field list, sent with every record in the "
                                + "secpipe.format header. Empty: no header (the Streams app's default format applies).",
                        group, 2, Width.LONG, "Flow-log format");
    }

    public CloudWatchLogsSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        String problem = groupSelectionProblem(getList(LOG_GROUPS), getString(LOG_GROUP_PREFIX));
        if (problem != null) {
            throw new ConfigException(problem);
        }
    }

    /**
     * Exactly one of {@link #LOG_GROUPS} and {@link #LOG_GROUP_PREFIX} must be set; null when that holds.
     * The message starts with the key it belongs to, as validate reports it there.
     */
    static String groupSelectionProblem(List<String> groups, String prefix) {
        boolean hasGroups = groups != null && !groups.isEmpty();
        boolean hasPrefix = prefix != null && !prefix.isBlank();
        if (!hasGroups && !hasPrefix) {
            return LOG_GROUPS + ": name at least one log group, or set " + LOG_GROUP_PREFIX + " instead";
        }
        if (hasGroups && hasPrefix) {
            return LOG_GROUP_PREFIX + ": set either " + LOG_GROUPS + " or " + LOG_GROUP_PREFIX + ", not both";
        }
        return null;
    }

    public List<String> logGroups() {
        return getList(LOG_GROUPS);
    }

    public String logGroupPrefix() {
        return getString(LOG_GROUP_PREFIX).trim();
    }

    public long logGroupRefreshMs() {
        return getLong(LOG_GROUP_REFRESH_MS);
    }

    public String logStreamPrefix() {
        return getString(LOG_STREAM_PREFIX).trim();
    }

    /** Milliseconds since the epoch where a group without an offset starts. */
    public long startMillis(long now) {
        String position = getString(START_POSITION).trim();
        if (position.equalsIgnoreCase(EARLIEST)) {
            return 0L;
        }
        if (position.equalsIgnoreCase(LATEST)) {
            return now;
        }
        return Instant.parse(position).toEpochMilli();
    }

    public long pollIntervalMs() {
        return getLong(POLL_INTERVAL_MS);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public long ingestionDelayMs() {
        return getLong(INGESTION_DELAY_MS);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public long retryBackoffMaxMs() {
        return Math.max(getLong(RETRY_BACKOFF_MAX_MS), retryBackoffMs());
    }

    public String topic() {
        return getString(TOPIC);
    }

    public String format() {
        return getString(FORMAT).trim();
    }

    public AwsClientSettings aws() {
        return AwsClientSettings.from(this);
    }

    private static void validateGroupNames(String name, Object value) {
        if (!(value instanceof List<?> groups)) {
            return;
        }
        for (Object group : groups) {
            if (!GROUP_NAME.matcher(String.valueOf(group)).matches()) {
                throw new ConfigException(name, value, "'" + group + "' is not a log group name "
                        + "(1-512 characters: letters, digits and . _ - / #)");
            }
        }
    }

    private static void validateStartPosition(String name, Object value) {
        String position = value == null ? "" : value.toString().trim();
        if (position.equalsIgnoreCase(EARLIEST) || position.equalsIgnoreCase(LATEST)) {
            return;
        }
        try {
            Instant.parse(position);
        } catch (DateTimeParseException e) {
            throw new ConfigException(name, value, "use earliest, latest or an ISO-8601 instant such as 2024-05-01T00:00:00Z");
        }
    }
}
