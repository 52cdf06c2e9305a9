package io.secpipe.connect.source.ec2;

import io.secpipe.connect.source.aws.AwsClientSettings;
import io.secpipe.connect.source.errors.ErrorRecords;
import io.secpipe.connect.source.ec2.Ec2Documents.Kind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of the EC2 inventory source (API mode): which regions, how often, which topics, how to reach AWS. */
public class Ec2InventoryConfig extends AbstractConfig {

    public static final String REGIONS = "regions";
    public static final String RESOURCES = "resources";
    public static final String POLL_INTERVAL_MINUTES = "poll.interval.minutes";
    public static final String ENI_TOPIC = "eni.topic";
    public static final String SECURITY_GROUPS_TOPIC = "security.groups.topic";
    public static final String INSTANCES_TOPIC = "instances.topic";
    static final String DEFAULT_ERRORS_TOPIC = "dlq.ec2-inventory";

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    public static final ConfigDef CONFIG_DEF = defineTopics(AwsClientSettings.define(new ConfigDef()))
            .define(REGIONS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Ec2InventoryConfig::validateRegions, Importance.HIGH,
                    "AWS regions to inventory, e.g. eu-west-1,us-east-1. Regions are shared out among the tasks; "
                            + "each region is read with its own client (aws.region then only serves STS when a role is assumed).")
            .define(RESOURCES, Type.LIST, String.join(",", Kind.ids()), Ec2InventoryConfig::validateResources, Importance.MEDIUM,
                    "What to inventory, any of " + Kind.ids() + ": DescribeNetworkInterfaces, DescribeSecurityGroups, "
                            + "DescribeInstances. Leave one out when the IAM policy does not allow its Describe call.")
            .define(POLL_INTERVAL_MINUTES, Type.DOUBLE, 5.0, ConfigDef.Range.between(0.01, 1440), Importance.MEDIUM,
                    "Minutes from the start of one full inventory sweep (every region and resource of the task) to the "
                            + "start of the next; fractions allowed (0.5 = 30 s). A task also sweeps once as soon as it starts.");

    public Ec2InventoryConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    /** The topic keys both modes share: one compacted topic per resource kind, and the errors topic. */
    static ConfigDef defineTopics(ConfigDef def) {
        def.define(ENI_TOPIC, Type.STRING, "ref.eni", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Compacted topic for network interfaces: key the ENI id, value a JSON document, a tombstone when it is gone.")
                .define(SECURITY_GROUPS_TOPIC, Type.STRING, "ref.security-groups", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Compacted topic for security groups: key the group id, value a JSON document with ingress and egress rules.")
                .define(INSTANCES_TOPIC, Type.STRING, "ref.instances", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Compacted topic for instances: key the instance id, value a JSON document.");
        return ErrorRecords.define(def, DEFAULT_ERRORS_TOPIC);
    }

    static String topic(AbstractConfig config, Kind kind) {
        return switch (kind) {
            case ENI -> config.getString(ENI_TOPIC);
            case SECURITY_GROUP -> config.getString(SECURITY_GROUPS_TOPIC);
            case INSTANCE -> config.getString(INSTANCES_TOPIC);
        };
    }

    public List<String> regions() {
        return new ArrayList<>(new LinkedHashSet<>(getList(REGIONS)));
    }

    public List<Kind> resources() {
        return new LinkedHashSet<>(getList(RESOURCES)).stream().map(Kind::of).toList();
    }

    public long pollIntervalMs() {
        return Math.round(getDouble(POLL_INTERVAL_MINUTES) * 60_000);
    }

    public String topic(Kind kind) {
        return topic(this, kind);
    }

    public String errorsTopic() {
        return getString(ErrorRecords.ERRORS_TOPIC);
    }

    public AwsClientSettings aws() {
        return AwsClientSettings.from(this);
    }

    private static void validateRegions(String name, Object value) {
        if (!(value instanceof List<?> regions) || regions.isEmpty()) {
            throw new ConfigException(name, value, "name at least one AWS region, e.g. eu-west-1");
        }
        List<String> bad = regions.stream().map(String::valueOf).filter(r -> !REGION.matcher(r).matches()).toList();
        if (!bad.isEmpty()) {
            throw new ConfigException(name, value, "not AWS region names (like eu-west-1): " + bad);
        }
    }

    /** For a single optional region key: empty is fine, anything else must look like a region. */
    static void validateOptionalRegion(String name, Object value) {
        if (value != null && !value.toString().isBlank() && !REGION.matcher(value.toString().trim()).matches()) {
            throw new ConfigException(name, value, "not an AWS region name like eu-west-1");
        }
    }

    private static void validateResources(String name, Object value) {
        if (!(value instanceof List<?> resources) || resources.isEmpty()) {
            throw new ConfigException(name, value, "name at least one of " + Kind.ids());
        }
        List<String> bad = resources.stream().map(String::valueOf).filter(r -> !Kind.ids().contains(r)).toList();
        if (!bad.isEmpty()) {
            throw new ConfigException(name, value, "unknown resources " + bad + "; known: " + Kind.ids());
        }
    }
}
