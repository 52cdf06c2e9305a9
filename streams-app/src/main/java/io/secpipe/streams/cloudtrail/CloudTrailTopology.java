package io.secpipe.streams.cloudtrail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.StreamsSettings;
import io.secpipe.streams.deadletter.DeadLetter;
import io.secpipe.streams.geo.GeoLookup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
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
 * raw.cloudtrail → cloudtrail.ec2: records and envelopes that match the configured EventBridge pattern (by default
 * the seed's: 19 EC2 API calls, {@value #DEFAULT_PATTERN_RESOURCE}), normalized, keyed and identified by event id
 * ({@link CloudTrailNormalizer#documentId}), timestamped by eventTime. Valid CloudTrail the pattern does not select
 * (other calls, other services, Insights events) is left out by design and counted
 * ({@code secpipe-stage: cloudtrail-match-<task> unmatched-total}); only input that is not CloudTrail (see
 * {@link CloudTrailNormalizer}) goes raw, with the reason, to dlq.cloudtrail, one dead letter per bad record.
 */
public final class CloudTrailTopology {

    /** Where the seed's pattern is, on the class path (and in the source tree under src/main/resources). */
    public static final String DEFAULT_PATTERN_RESOURCE = "/io/secpipe/streams/cloudtrail/seed-ec2-pattern.json";

    /** The seed's pattern ("Set up CloudWatch Events"): 19 EC2 API calls, as EventBridge delivers them. */
    public static final String DEFAULT_PATTERN = defaultPattern();

    static final String PATTERN = "cloudtrail.pattern";
    static final String PATTERN_FILE = "cloudtrail.pattern.file";

    public record Config(String inputTopic, String outputTopic, String deadLetterTopic, EventPattern pattern) {
        public static Config from(Properties props) {
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.cloudtrail());
            return new Config(
                    c.getString("cloudtrail.input.topic"),
                    c.getString("cloudtrail.output.topic"),
                    c.getString("cloudtrail.dlq.topic"),
                    CloudTrailTopology.pattern(c));
        }
    }

    /** cloudtrail.pattern (inline JSON) or cloudtrail.pattern.file (a file of it), not both; else the seed's. */
    static EventPattern pattern(AbstractConfig c) {
        String inline = c.getString(PATTERN).trim();
        String file = c.getString(PATTERN_FILE).trim();
        if (!inline.isEmpty() && !file.isEmpty()) {
            throw new IllegalArgumentException(PATTERN + " and " + PATTERN_FILE + " are both set: set one of them");
        }
        if (!file.isEmpty()) {
            String json;
            try {
                json = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | UncheckedIOException | InvalidPathException e) {
                throw new IllegalArgumentException(PATTERN_FILE + "=" + file + ": cannot read the file ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            }
            try {
                return EventPattern.compile(json);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PATTERN_FILE + "=" + file + ": not a valid event pattern: " + e.getMessage(), e);
            }
        }
        try {
            return EventPattern.compile(inline.isEmpty() ? DEFAULT_PATTERN : inline);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PATTERN + ": not a valid event pattern: " + e.getMessage(), e);
        }
    }

    private static String defaultPattern() {
        try (InputStream in = CloudTrailTopology.class.getResourceAsStream(DEFAULT_PATTERN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_PATTERN_RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
            List<CloudTrailNormalizer.Read> reads;
            try {
                reads = normalizer.read(record.value());
            } catch (MalformedCloudTrailException e) {
                deadLetter(record, record.value(), e);
                return;
            }
            for (CloudTrailNormalizer.Read read : reads) {
                if (!read.ok()) {
                    deadLetter(record, read.raw(), new MalformedCloudTrailException(read.error()));
                } else if (!pattern.matches(read.envelope())) {
                    unmatched.record();
                } else {
                    try {
                        ObjectNode doc = normalizer.document(read.envelope());
                        String id = doc.get("event_id").asText();
                        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
                        headers.remove(SecpipeHeaders.ID).add(SecpipeHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
                        context.forward(record.withValue(new Result(id, CloudTrailNormalizer.JSON.writeValueAsBytes(doc), null))
                                .withHeaders(headers)
                                .withTimestamp(Instant.parse(doc.get("@timestamp").asText()).toEpochMilli()));
                    } catch (Exception e) {
                        // an element of a Records[] file holds its own record only
                        deadLetter(record, read.raw() != null ? read.raw() : CloudTrailNormalizer.bytes(read.envelope().get("detail")), e);
                    }
                }
            }
        }

        /** One dead letter: the bad record's bytes, its own copy of the headers (source position) and the reason. */
        private void deadLetter(FixedKeyRecord<String, byte[]> record, byte[] raw, Exception e) {
            RecordHeaders headers = new RecordHeaders(record.headers().toArray());
            deadLetter.mark(headers, e);
            context.forward(record.withValue(new Result(null, null, raw)).withHeaders(headers));
        }
    }
}
