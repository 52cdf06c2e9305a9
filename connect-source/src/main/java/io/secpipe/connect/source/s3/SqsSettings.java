package io.secpipe.connect.source.s3;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * SQS mode of the S3 source: instead of listing the bucket, read S3 event notifications (direct,
 * through SNS, or in their EventBridge form) from a queue, and delete a message only once every
 * record of its objects is committed to Kafka.
 */
record SqsSettings(String queueUrl, int waitTimeSeconds, int visibilityTimeoutSeconds, int maxMessages, String endpointOverride) {

    static final String QUEUE_URL = "sqs.queue.url";
    static final String WAIT_TIME_SECONDS = "sqs.wait.time.seconds";
    static final String VISIBILITY_TIMEOUT_SECONDS = "sqs.visibility.timeout.seconds";
    static final String MAX_MESSAGES = "sqs.max.messages";
    static final String ENDPOINT_OVERRIDE = "sqs.endpoint.override";
    private static final String GROUP = "SQS mode";

    static ConfigDef define(ConfigDef def) {
        return def
                .define(QUEUE_URL, Type.STRING, null, Importance.MEDIUM,
                        "Queue of S3 event notifications. When set, objects are read as their notifications arrive "
                                + "(for large or unordered buckets) instead of by listing s3.prefixes.", GROUP, 1,
                        ConfigDef.Width.LONG, "Queue URL")
                .define(WAIT_TIME_SECONDS, Type.INT, 20, ConfigDef.Range.between(0, 20), Importance.LOW,
                        "Long-polling wait of ReceiveMessage.", GROUP, 2, ConfigDef.Width.SHORT, "Wait time")
                .define(VISIBILITY_TIMEOUT_SECONDS, Type.INT, 300, ConfigDef.Range.between(1, 43_200), Importance.LOW,
                        "How long a received notification stays hidden from other readers: longer than it takes to read "
                                + "its objects, or they are read twice (the source offsets then skip what was sent).",
                        GROUP, 3, ConfigDef.Width.SHORT, "Visibility timeout")
                .define(MAX_MESSAGES, Type.INT, 10, ConfigDef.Range.between(1, 10), Importance.LOW,
                        "Notifications received per call.", GROUP, 4, ConfigDef.Width.SHORT, "Max messages")
                .define(ENDPOINT_OVERRIDE, Type.STRING, null, Importance.LOW,
                        "SQS endpoint URL when it differs from aws.endpoint.override (which S3 uses), e.g. a VPC endpoint.",
                        GROUP, 5, ConfigDef.Width.LONG, "SQS endpoint override");
    }

    static SqsSettings from(AbstractConfig config) {
        String url = config.getString(QUEUE_URL);
        return url == null || url.isBlank() ? null : new SqsSettings(url, config.getInt(WAIT_TIME_SECONDS),
                config.getInt(VISIBILITY_TIMEOUT_SECONDS), config.getInt(MAX_MESSAGES), config.getString(ENDPOINT_OVERRIDE));
    }
}
