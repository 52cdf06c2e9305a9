package io.secpipe.connect.source.ec2;

import io.secpipe.connect.source.ec2.Ec2Documents.Kind;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of the EC2 inventory file source: the CLI's JSON files, the same topics as the API mode. */
public class Ec2InventoryFileConfig extends AbstractConfig {

    public static final String FILES = "files";
    public static final String REGION = "region";
    public static final String BATCH_SIZE = "batch.size";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";

    public static final ConfigDef CONFIG_DEF = Ec2InventoryConfig.defineTopics(new ConfigDef())
            .define(FILES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Ec2InventoryFileConfig::validateFiles, Importance.HIGH,
                    "Absolute paths of JSON files as 'aws ec2 describe-network-interfaces', 'describe-security-groups' or "
                            + "'describe-instances' print them ({\"NetworkInterfaces\":[...]}, {\"SecurityGroups\":[...]}, "
                            + "{\"Reservations\":[...]}), plain or gzip. Each file is read once; a file that is not valid "
                            + "JSON goes whole to errors.topic.")
            .define(REGION, Type.STRING, null, Ec2InventoryConfig::validateOptionalRegion, Importance.MEDIUM,
                    "Region the files were exported from, written into every document. Empty: taken from each "
                            + "resource's availability zone (interfaces, instances) or ARN (security groups).")
            .define(BATCH_SIZE, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Largest number of resources returned by one poll.")
            .define(POLL_INTERVAL_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                    "How long an idle task (every file read) waits before it looks again.");

    public Ec2InventoryFileConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public List<String> files() {
        return getList(FILES);
    }

    /** The configured region, or null: derive it per resource. */
    public String region() {
        String region = getString(REGION);
        return region == null || region.isBlank() ? null : region.trim();
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public long pollIntervalMs() {
        return getLong(POLL_INTERVAL_MS);
    }

    public String topic(Kind kind) {
        return Ec2InventoryConfig.topic(this, kind);
    }

    public String errorsTopic() {
        return getString(io.secpipe.connect.source.errors.ErrorRecords.ERRORS_TOPIC);
    }

    private static void validateFiles(String name, Object value) {
        if (!(value instanceof List<?> files) || files.isEmpty()) {
            throw new ConfigException(name, value, "name at least one file");
        }
    }
}
