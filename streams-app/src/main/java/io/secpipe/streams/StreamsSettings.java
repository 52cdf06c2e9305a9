package io.secpipe.streams;

import com.amazon.randomcutforest.config.TransformMethod;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import io.secpipe.streams.anomaly.SeriesConfig;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting the Streams app reads, one ConfigDef per concern: a type, a default, a validator and a doc each.
 * Kafka Streams' own keys are not here: they go to StreamsConfig as they are. A key under a prefix the app owns
 * that none of these defines is reported by {@link #unknownKeys} (a warning, not fatal).
 */
public final class StreamsSettings {

    /** Prefixes the app owns: an undefined key under one of them is most likely a misspelling. */
    public static final List<String> OWNED_PREFIXES = List.of("vpcflow.", "sgusage.", "ossec.", "cloudtrail.", "clicks.",
            "ec2.", "anomaly.", "sensor.", "geoip.", "http.");
    public static final String EC2_TAG_PREFIX = "ec2.enforcer.tag.";
    public static final String DETECTORS = "anomaly.detectors";
    public static final List<String> KNOWN_DETECTORS = List.of("vpcflow-bytes", "ossec-alerts", "sensor");

    private StreamsSettings() {
    }

    public static ConfigDef vpcflow() {
        Defs d = new Defs("VPC flow logs");
        d.string("vpcflow.input.topic", "raw.vpcflow", "Topic of the raw flow-log lines.");
        d.string("vpcflow.output.topic", "vpcflow.enriched", "Topic of the parsed, enriched flow records.");
        d.string("vpcflow.dlq.topic", "dlq.vpcflow", "Dead-letter topic of the lines that cannot be parsed.");
        d.def.define("vpcflow.default.format", Type.STRING, FlowLogFormat.DEFAULT_V2_STRING, FLOW_LOG_FORMAT,
                Importance.LOW, "Field list of lines that come without a header (the default format, version 2).",
                d.group, ++d.order, Width.LONG, "vpcflow.default.format");
        d.string("vpcflow.eni.topic", "ref.eni", "Topic of the network-interface inventory used to enrich flows.");
        d.duration("vpcflow.eni.index.refresh", "PT30S", "How often the interface index is rebuilt.");
        d.string("vpcflow.minute.topic", "vpcflow.minute", "Topic of the per-resource minute aggregates.");
        d.duration("vpcflow.minute.grace", "PT20M", "How far behind a resource's own clock a flow may arrive and still count.");
        d.duration("vpcflow.minute.idle.close", "PT15M", "A resource's open minutes close after this long without a flow.");
        d.string("vpcflow.minute.late.topic", "late.vpcflow", "Topic of the flows that arrive after their minute closed.");
        d.string("vpcflow.minute.series.topic", "vpcflow.minute.series", "Topic of the closed minutes for the anomaly scorer.");
        return d.def;
    }

    public static ConfigDef sgusage() {
        Defs d = new Defs("Security-group rule usage");
        d.string("sgusage.groups.topic", "ref.security-groups", "Topic of the security-group inventory.");
        d.string("sgusage.topic", "sg.rule-usage", "Topic of the rule-usage reports.");
        d.duration("sgusage.window", "PT15M", "Window in which a rule's hits are counted.");
        d.duration("sgusage.grace", "PT2M", "How late a flow may arrive for its window.");
        d.duration("sgusage.report.interval", "PT1H", "How often the usage report is written.");
        d.duration("sgusage.report.lookback", "P30D", "How far back a report looks for a rule's last hit.");
        d.def.define("sgusage.partitions", Type.INT, 2, Range.atLeast(1), Importance.LOW,
                "Partitions of the app's internal repartition topic for rule usage.", d.group, ++d.order, Width.SHORT,
                "sgusage.partitions");
        return d.def;
    }

    public static ConfigDef ossec() {
        Defs d = new Defs("OSSEC alerts");
        d.string("ossec.input.topic", "raw.ossec", "Topic of the raw OSSEC alerts.");
        d.string("ossec.output.topic", "ossec.alerts", "Topic of the parsed alerts.");
        d.string("ossec.minute.topic", "ossec.minute", "Topic of the per-rule minute counts.");
        d.string("ossec.dlq.topic", "dlq.ossec", "Dead-letter topic of the alerts that cannot be parsed.");
        d.def.define("ossec.minute.grace.ms", Type.LONG, 300_000L, Range.atLeast(0), Importance.LOW,
                "How late (ms) an alert may arrive for its minute.", d.group, ++d.order, Width.SHORT, "ossec.minute.grace.ms");
        return d.def;
    }

    public static ConfigDef cloudtrail() {
        Defs d = new Defs("CloudTrail");
        d.string("cloudtrail.input.topic", "raw.cloudtrail", "Topic of the raw CloudTrail records.");
        d.string("cloudtrail.output.topic", "cloudtrail.ec2", "Topic of the records the event pattern selects.");
        d.string("cloudtrail.dlq.topic", "dlq.cloudtrail", "Dead-letter topic of the records that cannot be parsed.");
        d.string("cloudtrail.pattern", "", "Inline EventBridge event pattern (JSON); empty: the seed's EC2 pattern.");
        d.string("cloudtrail.pattern.file", "", "File holding the event pattern; set this or cloudtrail.pattern, not both.");
        return d.def;
    }

    public static ConfigDef ec2() {
        Defs d = new Defs("EC2 enforcer");
        d.string("ec2.enforcer.inventory.topic", "ref.instances", "Topic of the instance inventory.");
        d.string("ec2.enforcer.state.topic", "raw.ec2-events", "Topic of the EC2 state-change events.");
        d.string("ec2.enforcer.calls.topic", "cloudtrail.ec2", "Topic of the EC2 API calls (CloudTrail).");
        d.string("ec2.enforcer.output.topic", "ec2.enforcement", "Topic of the enforcement decisions.");
        d.string("ec2.enforcer.dlq.topic", "dlq.ec2-enforcer", "Dead-letter topic of the events that cannot be read.");
        d.list("ec2.enforcer.allowed.regions", "", "Regions launches are allowed in (comma-separated); none: every launch is DELETE.");
        d.def.define("ec2.enforcer.max.instances", Type.INT, 1, Range.atLeast(0), Importance.HIGH,
                "Most running instances allowed.", d.group, ++d.order, Width.SHORT, "ec2.enforcer.max.instances");
        d.def.define("ec2.enforcer.count.scope", Type.STRING, "allowed-regions", ValidString.in("allowed-regions", "region"),
                Importance.MEDIUM, "What max.instances counts: all allowed regions together, or each region.",
                d.group, ++d.order, Width.SHORT, "ec2.enforcer.count.scope");
        d.def.define("ec2.enforcer.terminated.retention.ms", Type.LONG, 86_400_000L, Range.atLeast(0), Importance.LOW,
                "How long (ms) a terminated instance is remembered.", d.group, ++d.order, Width.SHORT,
                "ec2.enforcer.terminated.retention.ms");
        d.def.define("ec2.enforcer.actuator.enabled", Type.BOOLEAN, false, Importance.HIGH,
                "true terminates the instances a DELETE decision names; false only decides.", d.group, ++d.order,
                Width.SHORT, "ec2.enforcer.actuator.enabled");
        d.string("ec2.enforcer.actuator.endpoint", "", "EC2 endpoint override for the actuator (e.g. a local emulator).");
        d.string("ec2.enforcer.sns.topic.arn", "", "SNS topic the decisions are published to; empty: none.");
        d.string("ec2.enforcer.sns.endpoint", "", "SNS endpoint override.");
        d.list("ec2.enforcer.sns.actions", "ALLOW,DELETE", "Decision actions published to SNS.");
        d.string(EC2_TAG_PREFIX + "<field>", null, "Adds <field> with this value to every decision (any field name).");
        return d.def;
    }

    public static ConfigDef clicks() {
        Defs d = new Defs("Clicks");
        d.string("clicks.input.topic", "raw.clicks", "Topic of the raw click events.");
        d.string("clicks.users.topic", "ref.users", "Topic of the user table.");
        d.string("clicks.minute.topic", "clicks.minute", "Topic of the per-minute click counts.");
        d.string("clicks.dlq.topic", "dlq.clicks", "Dead-letter topic of the clicks that cannot be parsed.");
        d.duration("clicks.minute.grace", "PT2M", "How late a click may arrive for its minute.");
        return d.def;
    }

    /** The anomaly scorer's own keys; {@link #detector} has each detector's. */
    public static ConfigDef anomaly() {
        Defs d = new Defs("Anomaly detection");
        d.list(DETECTORS, String.join(",", KNOWN_DETECTORS), "Detector families to run; a name other than "
                + KNOWN_DETECTORS + " is a custom one, described wholly by its anomaly.<detector>.* keys.");
        d.string("anomaly.output.topic", "anomalies", "Topic of the anomaly records.");
        d.string("anomaly.dlq.topic", "dlq.anomalies", "Dead-letter topic of the points that cannot be scored.");
        d.string("sensor.topic", "raw.sensor", "Topic of the sensor readings (the sensor detector's input).");
        return d.def;
    }

    /** A detector's keys, anomaly.<detector>.*; unset, each takes the detector's own default. */
    public static ConfigDef detector(String detector) {
        String p = "anomaly." + detector + ".";
        Defs d = new Defs("Anomaly detector " + detector);
        d.optional(p + "input.topic", Type.STRING, null, "Topic of the detector's records (required for a custom one).");
        d.optional(p + "key.fields", Type.LIST, null, "Fields whose values name a record's series.");
        d.optional(p + "key.prefix", Type.STRING, null, "Prefix of the series names.");
        d.optional(p + "value.fields", Type.LIST, null, "Numeric fields scored together (required for a custom one).");
        d.optional(p + "timestamp.field", Type.STRING, null, "Field of the event time.");
        d.optional(p + "bucket", Type.STRING, names(SeriesConfig.Bucket.class, false),
                "How records of one event time become a point: " + names(SeriesConfig.Bucket.class, true) + ".");
        d.optional(p + "max.series", Type.INT, Range.atLeast(1), "Most series kept.");
        d.optional(p + "cache.size", Type.INT, Range.atLeast(1), "Forests kept in memory.");
        addForest(d, p);
        return d.def;
    }

    /** A random cut forest's keys under {@code prefix} (anomaly.<detector>., or bench's nab.); unset: the base forest's. */
    public static ConfigDef forest(String prefix) {
        Defs d = new Defs("Random cut forest " + prefix);
        addForest(d, prefix);
        return d.def;
    }

    private static void addForest(Defs d, String p) {
        d.optional(p + "trees", Type.INT, Range.atLeast(1), "Trees of each random cut forest.");
        d.optional(p + "sample.size", Type.INT, Range.atLeast(1), "Points each tree samples.");
        d.optional(p + "shingle.size", Type.INT, Range.atLeast(1), "Consecutive points scored as one.");
        d.optional(p + "time.decay", Type.DOUBLE, null, "How fast the forest forgets old points.");
        d.optional(p + "transform", Type.STRING, names(TransformMethod.class, true),
                "Transform of the values before scoring (a TransformMethod name, any case).");
        d.optional(p + "lower.threshold", Type.DOUBLE, null, "Least score flagged as an anomaly.");
        d.optional(p + "seed", Type.LONG, null, "Random seed of the forest.");
        d.optional(p + "kinesis", Type.BOOLEAN, null, "true: the forest of Kinesis Data Analytics' RANDOM_CUT_FOREST.");
    }

    public static ConfigDef geoip() {
        Defs d = new Defs("GeoIP");
        d.string("geoip.city.database", "", "GeoLite2/GeoIP2 City database file; empty with the ASN one: GeoIP off.");
        d.string("geoip.asn.database", "", "GeoLite2/GeoIP2 ASN database file.");
        return d.def;
    }

    public static ConfigDef http() {
        Defs d = new Defs("HTTP endpoint");
        d.def.define("http.port", Type.INT, 8090, Range.between(-1, 65535), Importance.MEDIUM,
                "Port of /health/live, /health/ready and /metrics; 0 takes any free port, -1 turns it off.",
                d.group, ++d.order, Width.SHORT, "http.port");
        d.string("http.host", "0.0.0.0", "Address the endpoint listens on.");
        return d.def;
    }

    /** Every concern's ConfigDef, in the order they are documented. */
    public static List<ConfigDef> all() {
        return List.of(vpcflow(), sgusage(), ossec(), cloudtrail(), ec2(), clicks(), anomaly(), geoip(), http());
    }

    /** The detectors {@code props} asks for. */
    public static List<String> detectors(Properties props) {
        return new AbstractConfig(anomaly(), props, false).getList(DETECTORS).stream().map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Parses every key the app defines (the known detectors' and {@code props}' custom ones too); a bad value throws
     * ConfigException, whose message names the key and says what is wrong.
     */
    public static void validate(Properties props) {
        for (ConfigDef def : all()) {
            def.parse(props);
        }
        for (String detector : allDetectors(props)) {
            detector(detector).parse(props);
        }
    }

    /** {@code props}' keys under an owned prefix that no ConfigDef defines, sorted. */
    public static List<String> unknownKeys(Properties props) {
        Set<String> known = new TreeSet<>();
        all().forEach(def -> known.addAll(def.names()));
        allDetectors(props).forEach(det -> known.addAll(detector(det).names()));
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            boolean owned = OWNED_PREFIXES.stream().anyMatch(key::startsWith);
            boolean tag = key.startsWith(EC2_TAG_PREFIX) && key.length() > EC2_TAG_PREFIX.length();
            if (owned && !tag && !known.contains(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** The parsed values of {@code defs}' keys, for a topology's Config; a bad value throws ConfigException naming its key. */
    public static AbstractConfig parse(Properties props, ConfigDef... defs) {
        ConfigDef merged = new ConfigDef();
        for (ConfigDef def : defs) {
            def.configKeys().values().forEach(merged::define);
        }
        return new AbstractConfig(merged, props, false);
    }

    /** The documented keys, grouped, as plain text (--help-config) and as docs/streams-settings.md. */
    public static String help() {
        StringBuilder out = new StringBuilder();
        out.append("# Streams app settings\n\n")
                .append("Generated from the app's ConfigDefs (StreamsSettings; `secpipe-streams --help-config` prints it).\n")
                .append("Kafka Streams' own keys (bootstrap.servers, application.id, processing.guarantee, state.dir, ...)\n")
                .append("go to StreamsConfig as they are. SECPIPE_STREAMS_<KEY> (upper case, '_' for '.') overrides <key>.\n")
                .append("A bad value stops the app naming the key; an undefined key under ").append(OWNED_PREFIXES)
                .append(" is logged as a warning.\n");
        List<ConfigDef> defs = new ArrayList<>(all());
        defs.add(detector("<detector>"));
        for (ConfigDef def : defs) {
            String group = def.groups().isEmpty() ? "" : def.groups().get(0);
            out.append("\n## ").append(group).append("\n\n| Key | Type | Default | Valid values | Description |\n")
                    .append("|---|---|---|---|---|\n");
            for (ConfigDef.ConfigKey key : def.configKeys().values()) {
                String type = key.type.name().toLowerCase(Locale.ROOT);
                String dflt = key.defaultValue == null ? "(unset)"
                        : key.defaultValue instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                        : String.valueOf(key.defaultValue);
                String valid = key.validator == null ? "" : key.validator.toString();
                out.append("| ").append(key.name).append(" | ").append(type).append(" | ").append(cell(dflt)).append(" | ")
                        .append(cell(valid)).append(" | ").append(cell(key.documentation)).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static Set<String> allDetectors(Properties props) {
        Set<String> detectors = new TreeSet<>(KNOWN_DETECTORS);
        detectors.addAll(detectors(props));
        return detectors;
    }

    private static Validator names(Class<? extends Enum<?>> type, boolean anyCase) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        return new Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = (String) value;
                if (!names.contains(anyCase ? s.trim().toUpperCase(Locale.ROOT) : s.trim())) {
                    throw new ConfigException(name, value, "must be one of " + names + (anyCase ? " (any case)" : ""));
                }
            }

            @Override
            public String toString() {
                return String.join(", ", names);
            }
        };
    }

    /** Builds one group's keys in order. */
    private static final class Defs {
        final ConfigDef def = new ConfigDef();
        final String group;
        int order;

        Defs(String group) {
            this.group = group;
        }

        void string(String key, String dflt, String doc) {
            def.define(key, Type.STRING, dflt, Importance.MEDIUM, doc, group, ++order, Width.MEDIUM, key);
        }

        void list(String key, String dflt, String doc) {
            def.define(key, Type.LIST, dflt, Importance.MEDIUM, doc, group, ++order, Width.MEDIUM, key);
        }

        void duration(String key, String dflt, String doc) {
            def.define(key, Type.STRING, dflt, DURATION, Importance.MEDIUM, doc + " ISO-8601 duration, e.g. " + dflt + ".",
                    group, ++order, Width.SHORT, key);
        }

        /** A key with no default of its own (null: the caller's default applies); validated only when set. */
        void optional(String key, Type type, Validator validator, String doc) {
            Validator whenSet = validator == null ? null : new Validator() {
                @Override
                public void ensureValid(String name, Object value) {
                    if (value != null) {
                        validator.ensureValid(name, value);
                    }
                }

                @Override
                public String toString() {
                    return validator.toString();
                }
            };
            def.define(key, type, null, whenSet, Importance.LOW, doc, group, ++order, Width.SHORT, key);
        }
    }

    /** Flow-log field names separated by spaces, as a flow log's header line has them. */
    static final Validator FLOW_LOG_FORMAT = new Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                FlowLogFormat.tokens((String) value);
            } catch (RuntimeException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "flow-log field names, space-separated";
        }
    };

    /** An ISO-8601 duration, not negative (e.g. PT20M; 20m is not one). */
    static final Validator DURATION = new Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                if (value == null || Duration.parse(((String) value).trim()).isNegative()) {
                    throw new ConfigException(name, value, "must be an ISO-8601 duration that is not negative, e.g. PT20M");
                }
            } catch (DateTimeParseException e) {
                throw new ConfigException(name, value, "not an ISO-8601 duration (e.g. PT20M, PT30S, P30D)");
            }
        }

        @Override
        public String toString() {
            return "ISO-8601 duration";
        }
    };
}
