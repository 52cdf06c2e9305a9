package io.secpipe.connect.source.file;

import io.secpipe.connect.source.errors.ErrorRecords;
import io.secpipe.connect.source.framing.FramingSettings;
import io.secpipe.formats.framing.Framing;
import io.secpipe.formats.framing.Framings;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of the file source: which files, which topic, how they are framed, whether they are followed. */
public class FileSourceConfig extends AbstractConfig {

    public static final String FILES = "files";
    public static final String TOPIC = "topic";
    public static final String FORMAT = FramingSettings.FORMAT;
    public static final String FRAMING = FramingSettings.FRAMING;
    public static final String ERRORS_TOPIC = ErrorRecords.ERRORS_TOPIC;
    public static final String TAIL = "tail";
    public static final String BATCH_SIZE = "batch.size";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";

    public static final ConfigDef CONFIG_DEF = ErrorRecords.define(FramingSettings.define(new ConfigDef()
            .define(FILES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, FileSourceConfig::validateFiles, Importance.HIGH,
                    "Files to read, as absolute paths; plain or gzip/zlib-compressed (detected by content) unless tailed. "
                            + "Each file's position is kept as the source offset {file, line}.")
            .define(TOPIC, Type.STRING, "raw.vpcflow", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Topic the records are written to.")
            .define(TAIL, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Follow the files as they grow (plain text and a line framing only): a last line is sent once its newline "
                            + "has arrived; when a file is renamed and a new one created at its path (or it is truncated), the "
                            + "rest of the old file is read, then the new one from line 1. Without it each file is read once.")
            .define(BATCH_SIZE, Type.INT, 2000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Largest number of records returned by one poll.")
            .define(POLL_INTERVAL_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                    "How long an idle task waits before it looks again; also how long a rotated file is given to "
                            + "receive its writer's last lines before the new file is read.")),
            "dlq.vpcflow");

    private final Framing framing;

    public FileSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        framing = FramingSettings.create(this);
        if (tail() && !framing.canFollow()) {
            throw new ConfigException(TAIL, getBoolean(TAIL), tailProblem(getString(FRAMING)));
        }
    }

    /** Why {@code tail} cannot be on with the framing named {@code framing}, which cannot follow a growing file. */
    static String tailProblem(String framing) {
        return "the " + framing + " framing cannot follow a growing file; tail needs flowlog, jsonlines or csv";
    }

    /** Whether the framing named {@code framing} can follow a growing file. */
    static boolean canFollow(String framing) {
        Map<String, String> props = Map.of(FRAMING, framing);
        return FramingSettings.create(new AbstractConfig(FramingSettings.define(new ConfigDef()), props)).canFollow();
    }

    public List<String> files() {
        return getList(FILES);
    }

    public String topic() {
        return getString(TOPIC);
    }

    public String errorsTopic() {
        return getString(ERRORS_TOPIC);
    }

    public List<String> format() {
        return Framings.parseFormat(getString(FORMAT));
    }

    public Framing framing() {
        return framing;
    }

    public boolean tail() {
        return getBoolean(TAIL);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public long pollIntervalMs() {
        return getLong(POLL_INTERVAL_MS);
    }

    private static void validateFiles(String name, Object value) {
        if (!(value instanceof List<?> files) || files.isEmpty()) {
            throw new ConfigException(name, value, "name at least one file");
        }
    }
}
