package io.secpipe.streams.ossec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.StreamsSettings;
import io.secpipe.streams.deadletter.DeadLetter;
import io.secpipe.streams.geo.GeoLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;

/**
 * raw.ossec → ossec.alerts: each OSSEC or Wazuh alert normalized (see {@link AlertNormalizer}; through CloudWatch
 * Logs also with the seed's {@code @log_*} fields), keyed by
 * rule id, record time = the alert's own time; a malformed alert goes raw, with the reason, to dlq.ossec.
 * ossec.minute: per event-time minute, alerts per rule and per level, updated as they come (each update
 * carries the same document id, so the index holds the last count).
 */
public final class OssecTopology {

    public record Config(String inputTopic, String outputTopic, String minuteTopic, String deadLetterTopic, Duration grace) {
        public static Config from(Properties props) {
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.ossec());
            return new Config(
                    c.getString("ossec.input.topic"),
                    c.getString("ossec.output.topic"),
                    c.getString("ossec.minute.topic"),
                    c.getString("ossec.dlq.topic"),
                    Duration.ofMillis(c.getLong("ossec.minute.grace.ms")));
        }
    }

    /** A normalized alert, or the raw bytes that failed (their headers then say why). */
    record Parsed(AlertNormalizer.Alert alert, byte[] document, byte[] raw) {
        boolean ok() {
            return document != null;
        }
    }

    static final String COUNTS_STORE = "ossec-minute-counts";

    private OssecTopology() {
    }

    public static void addTo(StreamsBuilder builder, Config config, GeoLookup geo) {
        KStream<String, Parsed> parsed = builder
                .stream(config.inputTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("ossec-raw"))
                .processValues(() -> new NormalizeProcessor(geo), Named.as("ossec-normalize"));
        var branches = parsed.split(Named.as("ossec-"))
                .branch((key, p) -> p.ok(), Branched.as("normalized"))
                .defaultBranch(Branched.withConsumer(rejects -> rejects
                        .mapValues(Parsed::raw, Named.as("ossec-raw-alert"))
                        .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "dead-letter"));
        KStream<String, Parsed> alerts = branches.get("ossec-normalized")
                .selectKey((key, p) -> p.alert().ruleId(), Named.as("ossec-key-by-rule"));
        alerts.mapValues(Parsed::document, Named.as("ossec-document"))
                .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));

        // One count per rule and one per level: two keys per alert, counted in the same windowed store.
        alerts.flatMap((ruleId, p) -> List.of(
                        KeyValue.pair("rule:" + ruleId, dimension(p.alert(), true)),
                        KeyValue.pair("level:" + p.alert().level(), dimension(p.alert(), false))),
                        Named.as("ossec-minute-dimensions"))
                .groupByKey(Grouped.with("ossec-minute-by-dimension", Serdes.String(), Serdes.ByteArray()))
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), config.grace()))
                .aggregate(() -> null, (key, dim, agg) -> add(agg, dim),
                        Named.as("ossec-minute-count"),
                        Materialized.<String, byte[], WindowStore<Bytes, byte[]>>as(COUNTS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()))
                .toStream(Named.as("ossec-minute-updates"))
                .processValues(MinuteDocument::new, Named.as("ossec-minute-document"))
                .selectKey((windowed, doc) -> windowed.key(), Named.as("ossec-minute-key"))
                .to(config.minuteTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));
    }

    /** What a count needs from an alert: its dimension's description (the rule's level and comment). */
    private static byte[] dimension(AlertNormalizer.Alert alert, boolean perRule) {
        ObjectNode d = AlertNormalizer.JSON.createObjectNode();
        d.put("dimension", perRule ? "rule" : "level");
        ObjectNode rule = d.putObject("rule");
        rule.put("level", alert.level());
        if (perRule) {
            rule.put("sidid", Integer.parseInt(alert.ruleId()));
            if (alert.comment() != null) {
                rule.put("comment", alert.comment());
            }
        }
        d.put("count", 1);
        return bytes(d);
    }

    private static byte[] add(byte[] aggregate, byte[] dimension) {
        if (aggregate == null) {
            return dimension;
        }
        ObjectNode agg = (ObjectNode) tree(aggregate);
        ObjectNode dim = (ObjectNode) tree(dimension);
        dim.put("count", agg.path("count").asLong() + 1); // the latest description, the running count
        return bytes(dim);
    }

    static JsonNode tree(byte[] bytes) {
        try {
            return AlertNormalizer.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return AlertNormalizer.JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class NormalizeProcessor implements FixedKeyProcessor<String, byte[], Parsed> {
        private final AlertNormalizer normalizer;
        private FixedKeyProcessorContext<String, Parsed> context;
        private DeadLetter deadLetter;

        NormalizeProcessor(GeoLookup geo) {
            this.normalizer = new AlertNormalizer(geo);
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Parsed> context) {
            this.context = context;
            this.deadLetter = new DeadLetter(context, "ossec-normalize");
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            try {
                AlertNormalizer.Alert alert = normalizer.normalize(record.value());
                cloudWatchLogs(alert.document(), record.headers(), record.value());
                // Event time from the alert itself: the minute windows count by it, not by append time.
                context.forward(record.withValue(new Parsed(alert, bytes(alert.document()), null))
                        .withTimestamp(alert.epochMillis()));
            } catch (Exception e) {
                // Whatever an alert makes the normalizer throw is that alert's fault: dead-letter it, never drop it.
                deadLetter.mark(record.headers(), e);
                context.forward(record.withValue(new Parsed(null, null, record.value())));
            }
        }
    }

    /**
     * Alerts that came through CloudWatch Logs (the source's {@code secpipe.cwl.*} headers) keep what the seed's HIDS
     * documents carry: {@code @log_group}, {@code @log_stream} (the instance id, with the CloudWatch agent's default
     * stream name), {@code @owner} (the account) and {@code @message}, the alert line as received.
     */
    static void cloudWatchLogs(ObjectNode document, Headers headers, byte[] raw) {
        String group = header(headers, SecpipeHeaders.LOG_GROUP);
        String stream = header(headers, SecpipeHeaders.LOG_STREAM);
        if (group == null && stream == null) {
            return;
        }
        if (group != null) {
            document.put("@log_group", group);
        }
        if (stream != null) {
            document.put("@log_stream", stream);
        }
        String owner = header(headers, SecpipeHeaders.LOG_OWNER);
        if (owner != null) {
            document.put("@owner", owner);
        }
        document.put("@message", new String(raw, StandardCharsets.UTF_8));
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A window's count as a document whose id is dimension + window start: later updates overwrite it. */
    static final class MinuteDocument implements FixedKeyProcessor<Windowed<String>, byte[], byte[]> {
        private FixedKeyProcessorContext<Windowed<String>, byte[]> context;

        @Override
        public void init(FixedKeyProcessorContext<Windowed<String>, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<Windowed<String>, byte[]> record) {
            if (record.value() == null) {
                return;
            }
            ObjectNode counted = (ObjectNode) tree(record.value());
            ObjectNode doc = AlertNormalizer.JSON.createObjectNode();
            Instant start = record.key().window().startTime();
            doc.put("@timestamp", start.toString());
            doc.put("window_end", record.key().window().endTime().toString());
            doc.setAll(counted);
            String id = record.key().key() + "@" + start;
            record.headers().remove(SecpipeHeaders.ID).remove(SecpipeHeaders.SOURCE)
                    .add(SecpipeHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
            context.forward(record.withValue(bytes(doc)));
        }
    }
}
