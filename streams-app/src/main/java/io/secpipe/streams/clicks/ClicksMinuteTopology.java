package io.secpipe.streams.clicks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.deadletter.DeadLetter;
import io.secpipe.streams.time.LateRecordCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * raw.clicks → clicks.minute: impressions and clicks per minute of event time and per gender × segment × article,
 * the user's gender and segment from ref.users (a GlobalKTable of the users CSV, {@code user_id,gender,segment_id}).
 * A user the table does not know, or a row without the column, counts as {@code unknown}: never dropped. Only final
 * results leave (suppressed until the window closes); records that arrive after their window closed are counted
 * ({@code late-record-total}, stage {@code clicks-minute}) and dropped. Unreadable events go raw, with the reason,
 * to dlq.clicks.
 *
 * <p>Unlike the flow-log minutes, these windows must merge the events of every user, so the stream is repartitioned
 * by the dimensions: stream time then follows the fastest of the upstream tasks, and an upstream task more than the
 * grace behind (a restart catching up) has its records counted late. Size the grace for the catch-up you expect.
 *
 * <p>Key: the dimensions as a JSON array and the window start, {@code ["f","s-1","a-9"]@2026-11-01T10:00:00Z}, so a
 * replay overwrites its document. Value: {@code {"@timestamp": window start, "window_end", "gender", "segment_id",
 * "article_id", "impressions", "clicks", "ctr"}} ({@code ctr} = clicks / impressions, left out without impressions).
 */
public final class ClicksMinuteTopology {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final String UNKNOWN = "unknown";
    static final String USERS_STORE = "clicks-users";
    static final String COUNTS_STORE = "clicks-minute-counts";

    public record Config(String inputTopic, String usersTopic, String outputTopic, String deadLetterTopic, Duration grace) {
        public static Config from(Properties props) {
            return new Config(
                    props.getProperty("clicks.input.topic", "raw.clicks"),
                    props.getProperty("clicks.users.topic", "ref.users"),
                    props.getProperty("clicks.minute.topic", "clicks.minute"),
                    props.getProperty("clicks.dlq.topic", "dlq.clicks"),
                    Duration.parse(props.getProperty("clicks.minute.grace", "PT2M")));
        }
    }

    /** A parsed event, or the raw bytes that failed (their headers then say why). */
    record Parsed(ClickEvent event, byte[] raw) {
        boolean ok() {
            return event != null;
        }
    }

    /** A window's counts. */
    record Tally(long impressions, long clicks) {
        static final Tally ZERO = new Tally(0, 0);

        Tally add(boolean click) {
            return click ? new Tally(impressions, clicks + 1) : new Tally(impressions + 1, clicks);
        }
    }

    private ClicksMinuteTopology() {
    }

    public static void addTo(StreamsBuilder builder, Config config) {
        GlobalKTable<String, byte[]> users = builder.globalTable(config.usersTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("clicks-users-source"),
                Materialized.<String, byte[], KeyValueStore<Bytes, byte[]>>as(USERS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()));
        var branches = builder
                .stream(config.inputTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("clicks-raw"))
                .processValues(ParseProcessor::new, Named.as("clicks-parse"))
                .split(Named.as("clicks-"))
                .branch((key, p) -> p.ok(), Branched.as("parsed"))
                .defaultBranch(Branched.withConsumer(rejects -> rejects
                        .mapValues(Parsed::raw, Named.as("clicks-raw-event"))
                        .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("clicks-dead-letter-sink")),
                        "dead-letter"));
        KStream<String, Parsed> events = branches.get("clicks-parsed");
        events
                // the user id, not the record key: a producer may key by anything
                .leftJoin(users, (key, p) -> p.event().userId(), ClicksMinuteTopology::dimensionsAndAction, Named.as("clicks-join-users"))
                .selectKey((key, dimensionsAndAction) -> dimensionsAndAction.key, Named.as("clicks-key-by-dimensions"))
                .mapValues(dimensionsAndAction -> dimensionsAndAction.value, Named.as("clicks-action"))
                .repartition(Repartitioned.<String, Boolean>as("clicks-minute-by-dimensions")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Boolean()))
                .processValues(() -> new LateRecordCounter<Boolean>("clicks-minute", WINDOW.toMillis(), config.grace().toMillis()),
                        Named.as("clicks-minute-late"))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.Boolean()))
                .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, config.grace()))
                .aggregate(() -> Tally.ZERO, (key, click, tally) -> tally.add(click), Named.as("clicks-minute-count"),
                        Materialized.<String, Tally, WindowStore<Bytes, byte[]>>as(COUNTS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(tallySerde()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("clicks-minute-final"))
                .toStream(Named.as("clicks-minute-closed"))
                .map(ClicksMinuteTopology::document, Named.as("clicks-minute-document"))
                .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("clicks-minute-sink"));
    }

    /** The window key, {@code [gender, segment_id, article_id]} as JSON, and whether the event is a click. */
    private static KeyValue<String, Boolean> dimensionsAndAction(Parsed parsed, byte[] user) {
        JsonNode attributes = userAttributes(user);
        ArrayNode dims = ClickEvent.JSON.createArrayNode()
                .add(attribute(attributes, "gender")).add(attribute(attributes, "segment_id")).add(parsed.event().articleId());
        return KeyValue.pair(dims.toString(), parsed.event().click());
    }

    /** A ref.users row, {@code {"user_id", "gender", "segment_id", ...}}; null for none or an unreadable one. */
    private static JsonNode userAttributes(byte[] user) {
        if (user == null) {
            return null;
        }
        try {
            JsonNode row = ClickEvent.JSON.readTree(user);
            return row != null && row.isObject() ? row : null;
        } catch (IOException e) {
            // the users source dead-letters bad CSV rows; anything else in the topic counts as no attributes
            return null;
        }
    }

    private static String attribute(JsonNode attributes, String column) {
        JsonNode v = attributes == null ? null : attributes.get(column);
        return v == null || !v.isValueNode() || v.asText().isBlank() ? UNKNOWN : v.asText().trim();
    }

    private static KeyValue<String, byte[]> document(Windowed<String> window, Tally tally) {
        JsonNode dims = tree(window.key());
        Instant start = window.window().startTime();
        ObjectNode doc = ClickEvent.JSON.createObjectNode();
        doc.put("@timestamp", start.toString());
        doc.put("window_end", window.window().endTime().toString());
        doc.put("gender", dims.get(0).asText());
        doc.put("segment_id", dims.get(1).asText());
        doc.put("article_id", dims.get(2).asText());
        doc.put("impressions", tally.impressions());
        doc.put("clicks", tally.clicks());
        if (tally.impressions() > 0) {
            doc.put("ctr", (double) tally.clicks() / tally.impressions());
        }
        return KeyValue.pair(window.key() + "@" + start, doc.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode tree(String json) {
        try {
            return ClickEvent.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Serde<Tally> tallySerde() {
        return Serdes.serdeFrom(
                (topic, t) -> t == null ? null : ByteBuffer.allocate(16).putLong(t.impressions()).putLong(t.clicks()).array(),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    ByteBuffer b = ByteBuffer.wrap(bytes);
                    return new Tally(b.getLong(), b.getLong());
                });
    }

    /** Parses each event, with its own time as the record time; an unreadable one is marked for the dead-letter topic. */
    static final class ParseProcessor implements FixedKeyProcessor<String, byte[], Parsed> {
        private FixedKeyProcessorContext<String, Parsed> context;
        private DeadLetter deadLetter;

        @Override
        public void init(FixedKeyProcessorContext<String, Parsed> context) {
            this.context = context;
            this.deadLetter = new DeadLetter(context, "clicks-parse");
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            try {
                ClickEvent event = ClickEvent.parse(record.value(), record.timestamp());
                context.forward(record.withValue(new Parsed(event, null)).withTimestamp(event.epochMillis()));
            } catch (MalformedClickException e) {
                deadLetter.mark(record.headers(), e);
                context.forward(record.withValue(new Parsed(null, record.value())));
            }
        }
    }
}
