package io.secpipe.connect.source.s3;

import io.secpipe.connect.source.aws.AwsClientSettings;
import io.secpipe.connect.source.errors.ErrorRecords;
import io.secpipe.connect.source.framing.FramingSettings;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The S3 source: which bucket and prefixes, which topic, how objects are framed; AWS, framing and SQS keys come from their own fragments. */
public class S3SourceConfig extends AbstractConfig {

    public static final String BUCKET = "s3.bucket";
    public static final String PREFIXES = "s3.prefixes";
    public static final String PATH_STYLE = "s3.path.style.access";
    public static final String TOPIC = "topic";
    public static final String BATCH_SIZE = "batch.size";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";

    /** S3's bucket naming rules, enough to catch a URL or a key pasted in by mistake. */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public static final ConfigDef CONFIG_DEF = SqsSettings.define(FramingSettings.define(ErrorRecords.define(AwsClientSettings.define(new ConfigDef()
            .define(BUCKET, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, S3SourceConfig::validateBucket, Importance.HIGH,
                    "Bucket to read, by name (not a URL).")
            .define(PREFIXES, Type.LIST, List.of(""), Importance.HIGH,
                    "Key prefixes to read, each in key order from where the last run stopped (ListObjectsV2 StartAfter). "
                            + "A prefix per region or day keeps new objects after the last key read, where listing finds them; "
                            + "for buckets written out of key order use sqs.queue.url.")
            .define(PATH_STYLE, Type.BOOLEAN, false, Importance.LOW,
                    "Address the bucket in the path (https://host/bucket/key), as S3-compatible stores and some endpoints need.")
            .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Topic the records go to (raw.vpcflow, raw.cloudtrail, raw.ossec, ref.users).")
            .define(BATCH_SIZE, Type.INT, 2000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Largest number of records returned by one poll.")
            .define(POLL_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(100), Importance.LOW,
                    "How long to wait before listing again when there is nothing new (each listing is a paid request).")),
            "dlq.s3")));

    public S3SourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    String bucket() {
        return getString(BUCKET);
    }

    List<String> prefixes() {
        return getList(PREFIXES);
    }

    private static void validateBucket(String name, Object value) {
        String bucket = value == null ? "" : value.toString();
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            throw new ConfigException(name, value, "a bucket name has 3 to 63 lower-case letters, digits, dots and hyphens "
                    + "(give the name, not s3://... or a URL)");
        }
    }
}
