package io.secpipe.connect.source.framing;

import io.secpipe.formats.framing.CsvFraming;
import io.secpipe.formats.framing.Framing;
import io.secpipe.formats.framing.FramingType;
import io.secpipe.formats.framing.Framings;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The framing keys a connector shares: {@code framing}, {@code format}, {@code key.field}, {@code csv.key.column},
 * {@code csv.columns}. {@link #define} adds them to a connector's ConfigDef; {@link #create} builds the configured
 * {@link Framing}; {@link #check} adds the checks across keys to a connector's validate().
 */
public final class FramingSettings {

    public static final String FRAMING = "framing";
    public static final String FORMAT = "format";
    public static final String KEY_FIELD = "key.field";
    public static final String CSV_KEY_COLUMN = "csv.key.column";
    public static final String CSV_COLUMNS = "csv.columns";

    private FramingSettings() {
    }

    /** Adds the keys with {@code flowlog} as the default framing. */
    public static ConfigDef define(ConfigDef def) {
        return define(def, FramingType.FLOWLOG);
    }

    public static ConfigDef define(ConfigDef def, FramingType defaultFraming) {
        return def
                .define(FRAMING, Type.STRING, defaultFraming.configName(), FramingSettings::validateFraming, Importance.HIGH,
                        "How the bytes are cut into records: one of " + FramingType.names() + ". flowlog: a line each, a "
                                + "header line sets the field list; flowlog-parquet: AWS's Parquet flow-log files, one record per "
                                + "row, the row as the text line AWS would have written (files up to 256 MiB); cloudtrail: {\"Records\":[...]} expanded to one record per "
                                + "event; jsonlines: a JSON object per line; cwl-subscription: CloudWatch Logs subscription "
                                + "payloads as Firehose writes them, one record per log event; csv: a header row, then one "
                                + "JSON object {column: value} per row.")
                .define(FORMAT, Type.STRING, FlowLogFormat.DEFAULT_V2_STRING, FramingSettings::validateFormat, Importance.MEDIUM,
                        "flowlog: field list of files without a header line, as in the flow log's format string "
                                + "(with or without ${...}). A header line at the top of a file takes precedence.")
                .define(KEY_FIELD, Type.LIST, "", Importance.MEDIUM,
                        "jsonlines: the record key, as dotted paths into the object (agent.name); with several, the first "
                                + "present wins (agent.name,hostname covers Wazuh and OSSEC). Empty: no key. "
                                + "(cloudtrail is keyed by eventID, cwl-subscription by logStream, flowlog by interface-id.)")
                .define(CSV_KEY_COLUMN, Type.STRING, null, Importance.MEDIUM,
                        "csv: the column whose value is the record key (needed for a compacted topic such as ref.users). "
                                + "A row with it empty is an error record.")
                .define(CSV_COLUMNS, Type.LIST, "", FramingSettings::validateCsvColumns, Importance.MEDIUM,
                        "csv: the column names, in order, of files without a header row (Kinesis Data Analytics' "
                                + "reference data maps columns by position); every row is then data. Empty: the first "
                                + "row is the header.");
    }

    public static FramingType type(AbstractConfig config) {
        return FramingType.of(config.getString(FRAMING));
    }

    public static Framing create(AbstractConfig config) {
        if (type(config) == FramingType.CSV && !config.getList(CSV_COLUMNS).isEmpty()) {
            try {
                return new CsvFraming(config.getString(CSV_KEY_COLUMN), config.getList(CSV_COLUMNS));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(CSV_KEY_COLUMN, config.getString(CSV_KEY_COLUMN), e.getMessage());
            }
        }
        return Framings.create(type(config), config.getString(FORMAT), config.getList(KEY_FIELD), config.getString(CSV_KEY_COLUMN));
    }

    /** For a connector's validate(): with csv.columns set, csv.key.column must be one of them (reported on it). */
    public static Config check(Config config) {
        Map<String, ConfigValue> byName = new HashMap<>();
        config.configValues().forEach(v -> byName.put(v.name(), v));
        ConfigValue key = byName.get(CSV_KEY_COLUMN);
        ConfigValue columns = byName.get(CSV_COLUMNS);
        if (key != null && columns != null && key.errorMessages().isEmpty() && columns.errorMessages().isEmpty()
                && columns.value() instanceof List<?> list) {
            String problem = CsvFraming.columnsProblem((String) key.value(), list.stream().map(String::valueOf).toList());
            if (problem != null) {
                key.addErrorMessage(CSV_KEY_COLUMN + ": " + problem + " of " + CSV_COLUMNS);
            }
        }
        return config;
    }

    private static void validateFraming(String name, Object value) {
        try {
            FramingType.of(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static void validateCsvColumns(String name, Object value) {
        if (value instanceof List<?> list) {
            String problem = CsvFraming.columnsProblem(null, list.stream().map(String::valueOf).toList());
            if (problem != null) {
                throw new ConfigException(name, value, problem);
            }
        }
    }

    private static void validateFormat(String name, Object value) {
        List<String> fields = Framings.parseFormat(String.valueOf(value));
        if (fields.isEmpty()) {
            throw new ConfigException(name, value, "the format names no field");
        }
        List<String> unknown = fields.stream().filter(f -> !FlowLogFormat.KNOWN_FIELDS.contains(f)).toList();
        if (!unknown.isEmpty()) {
            throw new ConfigException(name, value, "unknown flow-log fields " + unknown);
        }
    }
}
