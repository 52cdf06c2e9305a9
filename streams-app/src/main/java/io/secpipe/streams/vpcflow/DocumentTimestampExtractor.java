package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the document's {@code @timestamp}. Records of vpcflow.enriched carry the raw line's
 * append time (the source sets it on purpose), which windows must not use. A document without a
 * readable {@code @timestamp} gets -1: Streams then skips it and counts it as a dropped record.
 */
public final class DocumentTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof JsonNode doc) {
            JsonNode ts = doc.get("@timestamp");
            if (ts != null && ts.isTextual()) {
                try {
                    return Instant.parse(ts.asText()).toEpochMilli();
                } catch (DateTimeParseException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
