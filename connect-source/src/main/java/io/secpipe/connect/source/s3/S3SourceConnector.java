package io.secpipe.connect.source.s3;

import io.secpipe.connect.source.config.SecpipeSourceConnector;
import io.secpipe.connect.source.framing.FramingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;

/**
 * Reads objects from S3 (flow-log files, CloudTrail files, alerts.json lines, CloudWatch Logs payloads
 * delivered by Firehose, CSV reference data) into a topic, framed by type. Prefixes are shared out
 * among the tasks; in SQS mode every task reads the same queue.
 */
public class S3SourceConnector extends SecpipeSourceConnector {

    public S3SourceConnector() {
        super(S3SourceConfig.CONFIG_DEF, S3SourceTask.class, S3SourceConfig::new);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        S3SourceConfig config = new S3SourceConfig(props());
        List<Map<String, String>> configs = new ArrayList<>();
        if (SqsSettings.from(config) != null) {
            for (int i = 0; i < maxTasks; i++) {
                configs.add(props());
            }
            return configs;
        }
        List<String> prefixes = config.prefixes().isEmpty() ? List.of("") : config.prefixes();
        return shareOut(S3SourceConfig.PREFIXES, prefixes, maxTasks);
    }

    /** Beyond each key's own checks: the csv key column among csv.columns. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return FramingSettings.check(super.validate(connectorConfigs));
    }
}
