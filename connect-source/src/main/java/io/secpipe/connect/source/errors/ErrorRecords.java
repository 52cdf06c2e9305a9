package io.secpipe.connect.source.errors;

import io.secpipe.formats.SecpipeHeaders;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Source connectors cannot use the sink-side ErrantRecordReporter, so a piece of input that cannot
 * become a record (truncated gzip, invalid JSON, a CSV row with the wrong column count) becomes an
 * error record instead: the raw bytes as value, the reason and source position in headers, sent to
 * the connector's errors topic with the same source offset, so the connector moves on and a restart
 * neither loses nor repeats it.
 */
public final class ErrorRecords {

    public static final String ERRORS_TOPIC = "errors.topic";

    private ErrorRecords() {
    }

    /** Adds {@code errors.topic} to a connector's ConfigDef, with the dead-letter topic of its data type as default. */
    public static ConfigDef define(ConfigDef def, String defaultTopic) {
        return def.define(ERRORS_TOPIC, Type.STRING, defaultTopic, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Topic for input that cannot become a record: the raw bytes, with secpipe.error.* and secpipe.source headers.");
    }

    public static SourceRecord of(String topic, Map<String, ?> sourcePartition, Map<String, ?> sourceOffset,
                                  String position, byte[] raw, Exception error, String stage) {
        return of(topic, sourcePartition, sourceOffset, position, raw, error.getClass().getName(), String.valueOf(error.getMessage()), stage);
    }

    public static SourceRecord of(String topic, Map<String, ?> sourcePartition, Map<String, ?> sourceOffset,
                                  String position, byte[] raw, String errorClass, String reason, String stage) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(SecpipeHeaders.SOURCE, position);
        headers.addString(SecpipeHeaders.ERROR_CLASS, errorClass);
        headers.addString(SecpipeHeaders.ERROR_MESSAGE, reason);
        headers.addString(SecpipeHeaders.ERROR_STAGE, stage);
        return new SourceRecord(sourcePartition, sourceOffset, topic, null, null, null,
                Schema.OPTIONAL_BYTES_SCHEMA, raw, null, headers);
    }
}
