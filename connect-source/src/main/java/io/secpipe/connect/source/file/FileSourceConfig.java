package io.secpipe.connect.source.file;

import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of the file source: which files, which topic, how lines are framed. */
public class FileSourceConfig extends AbstractConfig {

    public static final String FILES = "files";
    public static final String TOPIC = "topic";
    public static final String FORMAT = "format";
    public static final String BATCH_SIZE = "batch.size";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FILES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, FileSourceConfig::validateFiles, Importance.HIGH,
                    "Files to read, plain or gzip-compressed (detected by content), as absolute paths. "
                            + "Each file is read once, line by line; its position is kept as the source offset {file, line}.")
            .define(TOPIC, Type.STRING, "raw.vpcflow", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Topic the lines are written to.")
            .define(FORMAT, Type.STRING, FlowLogFormat.DEFAULT_V2_STRING, FileSourceConfig::validateFormat, Importance.MEDIUM,
                    "Flow-log field list of files without a header line, as in the flow log's format string "
                            + "(with or without ${...}). A header line at the top of a file takes precedence.")
            .define(BATCH_SIZE, Type.INT, 2000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Largest number of lines returned by one poll.")
            .define(POLL_INTERVAL_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                    "How long an idle task waits before it looks again.");

    public FileSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public List<String> files() {
        return getList(FILES);
    }

    public String topic() {
        return getString(TOPIC);
    }

    public List<String> format() {
        return parseFormat(getString(FORMAT));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public long pollIntervalMs() {
        return getLong(POLL_INTERVAL_MS);
    }

    /** Accepts AWS's own spelling, {@code ${version} ${account-id} ...}, as well as bare names. */
    static List<String> parseFormat(String format) {
        return FlowLogFormat.tokens(format.replace("${", "").replace("}", ""));
    }

    private static void validateFiles(String name, Object value) {
        if (!(value instanceof List<?> files) || files.isEmpty()) {
            throw new ConfigException(name, value, "name at least one file");
        }
    }

    private static void validateFormat(String name, Object value) {
        List<String> fields = parseFormat(String.valueOf(value));
        if (fields.isEmpty()) {
            throw new ConfigException(name, value, "the format names no field");
        }
        List<String> unknown = fields.stream().filter(f -> !FlowLogFormat.KNOWN_FIELDS.contains(f)).toList();
        if (!unknown.isEmpty()) {
            throw new ConfigException(name, value, "unknown flow-log fields " + unknown);
        }
    }
}
