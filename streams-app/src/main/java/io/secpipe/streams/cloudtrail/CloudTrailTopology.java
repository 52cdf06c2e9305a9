package io.secpipe.streams.cloudtrail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.deadletter.DeadLetter;
import io.secpipe.streams.geo.GeoLookup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * raw.cloudtrail → cloudtrail.ec2: records and envelopes that match the configured EventBridge pattern
 * (by default EC2 instance lifecycle calls), normalized, keyed and identified by event id, timestamped by
 * eventTime. What cannot be read goes raw, with the reason, to dlq.cloudtrail; what does not match the
 * pattern is left out by design and counted ({@code secpipe-stage: cloudtrail-match ... unmatched-total}).
 */
public final class CloudTrailTopology {

    /** The seed's pattern: EC2 instance lifecycle API calls, as EventBridge delivers them. */
    public static final String DEFAULT_PATTERN = "{\"source\":[\"aws.ec2\"],"
            + "\"detail-type\":[\"AWS API Call via CloudTrail\"],"
            + "\"detail\":{\"eventSource\":[\"ec2.amazonaws.com\"],"
            + "\"eventName\":[\"RunInstances\",\"StartInstances\",\"StopInstances\",\"TerminateInstances\"]}}";

    public record Config(String inputTopic, String outputTopic, String deadLetterTopic, EventPattern pattern) {
        public static Config from(Properties props) {
            return new Config(
                    props.getProperty("cloudtrail.input.topic", "raw.cloudtrail"),
                    props.getProperty("cloudtrail.output.topic", "cloudtrail.ec2"),
                    props.getProperty("cloudtrail.dlq.topic", "dlq.cloudtrail"),
                    EventPattern.compile(props.getProperty("cloudtrail.pattern", DEFAULT_PATTERN)));
        }
    }

    record Result(String eventId, byte[] document, byte[] raw) {
        boolean ok() {
            return document != null;
        }
    }

    private CloudTrailTopology() {
    }

    public static void addTo(StreamsBuilder builder, Config config, GeoLookup geo) {
        builder.stream(config.inputTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("cloudtrail-raw"))
                .processValues(() -> new MatchProcessor(config.pattern(), geo), Named.as("cloudtrail-match"))
                .split(Named.as("cloudtrail-"))
                .branch((key, r) -> r.ok(), Branched.withConsumer(docs -> docs
                        .selectKey((key, r) -> r.eventId(), Named.as("cloudtrail-key-by-event-id"))
                        .mapValues(Result::document, Named.as("cloudtrail-document"))
                        .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "matched"))
                .defaultBranch(Branched.withConsumer(rejects -> rejects
                        .mapValues(Result::raw, Named.as("cloudtrail-raw-record"))
                        .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "dead-letter"));
    }

    static final class MatchProcessor implements FixedKeyProcessor<String, byte[], Result> {
        private final EventPattern pattern;
        private final CloudTrailNormalizer normalizer;
        private FixedKeyProcessorContext<String, Result> context;
        private DeadLetter deadLetter;
        private Sensor unmatched;

        MatchProcessor(EventPattern pattern, GeoLookup geo) {
            this.pattern = pattern;
            this.normalizer = new CloudTrailNormalizer(geo);
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Result> context) {
            this.context = context;
            this.deadLetter = new DeadLetter(context, "cloudtrail-match");
            this.unmatched = context.metrics().addRateTotalSensor(
                    "secpipe-stage", "cloudtrail-match-" + context.taskId(), "unmatched", Sensor.RecordingLevel.INFO);
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            try {
                List<ObjectNode> envelopes = normalizer.envelopes(record.value());
                // Normalize all first: an S3 file's Records[] is taken whole or rejected whole.
                List<ObjectNode> documents = new java.util.ArrayList<>();
                for (ObjectNode envelope : envelopes) {
                    if (pattern.matches(envelope)) {
                        documents.add(normalizer.document(envelope));
                    } else {
                        unmatched.record();
                    }
                }
                for (ObjectNode doc : documents) {
                    String id = doc.get("event_id").asText();
                    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
                    headers.remove(SecpipeHeaders.ID).add(SecpipeHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
                    context.forward(record.withValue(new Result(id, CloudTrailNormalizer.JSON.writeValueAsBytes(doc), null))
                            .withHeaders(headers)
                            .withTimestamp(Instant.parse(doc.get("@timestamp").asText()).toEpochMilli()));
                }
            } catch (Exception e) {
                deadLetter.mark(record.headers(), e);
                context.forward(record.withValue(new Result(null, null, record.value())));
            }
        }
    }
}
