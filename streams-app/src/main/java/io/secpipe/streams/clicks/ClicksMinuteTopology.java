package io.secpipe.streams.clicks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.StreamsSettings;
import io.secpipe.streams.deadletter.DeadLetter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.metrics.Sensor;
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
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * raw.clicks → clicks.minute: impressions and clicks per minute of event time and per gender × segment × article,
 * the user's gender and segment from ref.users (a GlobalKTable of the users CSV, {@code user_id,gender,segment_id}).
 * A user the table does not know, or a row without the column, counts as {@code unknown}: never dropped. An action
 * other than impression and click counts as neither (the minute's row is there, with 0 and 0, as in the seed) and is
 * counted in {@code unknown-action-total}. Unreadable events go raw, with the reason, to dlq.clicks.
 *
 * <p>Counted in two steps, so that a partition of raw.clicks running ahead of another loses nothing. A DSL
 * window after a repartition by the dimensions would share one stream time among all upstream tasks: when one
 * races ahead (a backfill, a restart catching up; the demo's sample showed it), the others' events arrive more than
 * the grace behind and are dropped as late. Here each task of raw.clicks first counts its own partition's minutes
 * ({@link PartitionMinutes}), closes a minute by that partition's own event time plus the grace, and sends its
 * final partial count once; a table keyed by dimensions and minute then sums the partials of every partition. An
 * event later than its partition's grace is counted ({@code late-record-total}, stage {@code clicks-minute}) and
 * dropped. A document is therefore final for each partition that has closed its minute: with events on several
 * partitions it is updated up to once per partition, each time with a final partial, and ends at the exact sum.
 *
 * <p>Key: the dimensions as a JSON array and the window start, {@code ["f","s-1","a-9"]@2026-11-01T10:00:00Z}, so a
 * replay overwrites its document. Value: {@code {"@timestamp": window start, "window_end", "gender", "segment_id",
 * "article_id", "impressions", "clicks", "ctr"}} ({@code ctr} = clicks / impressions, left out without impressions).
 */
public final class ClicksMinuteTopology {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final String UNKNOWN = "unknown";
    static final String USERS_STORE = "clicks-users";
    static final String OPEN_STORE = "clicks-minute-open";
    static final String TIME_STORE = "clicks-minute-time";
    static final String COUNTS_STORE = "clicks-minute-counts";

    public record Config(String inputTopic, String usersTopic, String outputTopic, String deadLetterTopic, Duration grace) {
        public static Config from(Properties props) {
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.clicks());
            return new Config(
                    c.getString("clicks.input.topic"),
                    c.getString("clicks.users.topic"),
                    c.getString("clicks.minute.topic"),
                    c.getString("clicks.dlq.topic"),
                    Duration.parse(c.getString("clicks.minute.grace")));
        }
    }

    /** A parsed event, or the raw bytes that failed (their headers then say why). */
    record Parsed(ClickEvent event, byte[] raw) {
        boolean ok() {
            return event != null;
        }
    }

    /** An event as the minutes count it: the window key's dimensions and its action. */
    record Counted(String dimensions, ClickEvent.Action action) {
    }

    /** Counts of one minute; as a partial, of one partition of raw.clicks. */
    record Tally(long impressions, long clicks) {
        static final Tally ZERO = new Tally(0, 0);

        Tally add(ClickEvent.Action action) {
            return switch (action) {
                case CLICK -> new Tally(impressions, clicks + 1);
                case IMPRESSION -> new Tally(impressions + 1, clicks);
                case OTHER -> this;
            };
        }

        Tally plus(Tally other) {
            return new Tally(impressions + other.impressions, clicks + other.clicks);
        }
    }

    /** A partition's final count of one minute. */
    record Partial(int partition, Tally tally) {
    }

    private ClicksMinuteTopology() {
    }

    public static void addTo(StreamsBuilder builder, Config config) {
        GlobalKTable<String, byte[]> users = builder.globalTable(config.usersTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("clicks-users-source"),
                Materialized.<String, byte[], KeyValueStore<Bytes, byte[]>>as(USERS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OPEN_STORE), Serdes.String(), tallySerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIME_STORE), Serdes.String(), Serdes.Long()));
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
                .leftJoin(users, (key, p) -> p.event().userId(), ClicksMinuteTopology::counted, Named.as("clicks-join-users"))
                .process(() -> new PartitionMinutes(config.grace().toMillis()), Named.as("clicks-partition-minutes"), OPEN_STORE, TIME_STORE)
                .repartition(Repartitioned.<String, Partial>as("clicks-minute-by-window")
                        .withKeySerde(Serdes.String()).withValueSerde(partialSerde()))
                .groupByKey(Grouped.with(Serdes.String(), partialSerde()))
                .aggregate(() -> "{}", (key, partial, partials) -> withPartial(partials, partial), Named.as("clicks-minute-sum"),
                        Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(COUNTS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()))
                .toStream(Named.as("clicks-minute-updates"))
                .map(ClicksMinuteTopology::document, Named.as("clicks-minute-document"))
                .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("clicks-minute-sink"));
    }

    /** The window key's dimensions, {@code [gender, segment_id, article_id]} as JSON, and whether the event is a click. */
    private static Counted counted(Parsed parsed, byte[] user) {
        JsonNode attributes = userAttributes(user);
        ArrayNode dims = ClickEvent.JSON.createArrayNode()
                .add(attribute(attributes, "gender")).add(attribute(attributes, "segment_id")).add(parsed.event().articleId());
        return new Counted(dims.toString(), parsed.event().action());
    }

    /** The partials of one minute, {@code {"<partition>": [impressions, clicks], ...}}: a partition's again replaces it. */
    private static String withPartial(String partials, Partial partial) {
        ObjectNode all = (ObjectNode) tree(partials);
        all.putArray(Integer.toString(partial.partition())).add(partial.tally().impressions()).add(partial.tally().clicks());
        return all.toString();
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

    private static KeyValue<String, byte[]> document(String key, String partials) {
        Tally tally = Tally.ZERO;
        for (JsonNode p : tree(partials)) {
            tally = tally.plus(new Tally(p.get(0).asLong(), p.get(1).asLong()));
        }
        int at = key.lastIndexOf('@');
        JsonNode dims = tree(key.substring(0, at));
        Instant start = Instant.parse(key.substring(at + 1));
        ObjectNode doc = ClickEvent.JSON.createObjectNode();
        doc.put("@timestamp", start.toString());
        doc.put("window_end", start.plus(WINDOW).toString());
        doc.put("gender", dims.get(0).asText());
        doc.put("segment_id", dims.get(1).asText());
        doc.put("article_id", dims.get(2).asText());
        doc.put("impressions", tally.impressions());
        doc.put("clicks", tally.clicks());
        if (tally.impressions() > 0) {
            doc.put("ctr", (double) tally.clicks() / tally.impressions());
        }
        return KeyValue.pair(key, doc.toString().getBytes(StandardCharsets.UTF_8));
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

    static Serde<Partial> partialSerde() {
        return Serdes.serdeFrom(
                (topic, p) -> p == null ? null : ByteBuffer.allocate(20).putInt(p.partition())
                        .putLong(p.tally().impressions()).putLong(p.tally().clicks()).array(),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    ByteBuffer b = ByteBuffer.wrap(bytes);
                    return new Partial(b.getInt(), new Tally(b.getLong(), b.getLong()));
                });
    }

    /**
     * One partition's minutes: counts each minute of dimensions in a store of open minutes, and when the partition's
     * own latest event time passes a minute's end plus the grace, sends that minute's count on, once, as a
     * {@link Partial} keyed by {@code dimensions@start}. Open minutes sort by start (the key begins with it, zero
     * padded), so closing them is a range scan. An event whose minute this partition has closed is counted late.
     */
    static final class PartitionMinutes implements Processor<String, Counted, String, Partial> {
        private static final String OBSERVED = "observed";
        private final long graceMs;
        private ProcessorContext<String, Partial> context;
        private KeyValueStore<String, Tally> open;
        private KeyValueStore<String, Long> time;
        private Sensor late;
        private long observed;

        PartitionMinutes(long graceMs) {
            this.graceMs = graceMs;
        }

        @Override
        public void init(ProcessorContext<String, Partial> context) {
            this.context = context;
            this.open = context.getStateStore(OPEN_STORE);
            this.time = context.getStateStore(TIME_STORE);
            Long saved = time.get(OBSERVED);
            this.observed = saved == null ? Long.MIN_VALUE : saved;
            this.late = context.metrics().addRateTotalSensor(
                    "secpipe-stage", "clicks-minute-" + context.taskId(), "late-record", Sensor.RecordingLevel.INFO);
        }

        @Override
        public void process(Record<String, Counted> record) {
            long ts = record.timestamp();
            long start = ts - Math.floorMod(ts, WINDOW.toMillis());
            if (observed != Long.MIN_VALUE && start + WINDOW.toMillis() + graceMs <= observed) {
                late.record();
                return;
            }
            String key = openKey(start, record.value().dimensions());
            Tally tally = open.get(key);
            // an event of another action adds nothing, but opens its minute: the document says 0 and 0
            open.put(key, (tally == null ? Tally.ZERO : tally).add(record.value().action()));
            if (ts > observed) {
                observed = ts;
                time.put(OBSERVED, observed);
                close(observed - graceMs - WINDOW.toMillis());
            }
        }

        /** Sends on and forgets every open minute that starts at or before {@code lastStart}. */
        private void close(long lastStart) {
            if (lastStart < 0) {
                return;
            }
            List<KeyValue<String, Tally>> closed = new ArrayList<>();
            try (KeyValueIterator<String, Tally> it = open.range(openKey(0, ""), openKey(lastStart, "\uffff"))) {
                it.forEachRemaining(closed::add);
            }
            int partition = context.taskId().partition();
            for (KeyValue<String, Tally> minute : closed) {
                long start = Long.parseLong(minute.key.substring(0, START_DIGITS));
                String dimensions = minute.key.substring(START_DIGITS + 1);
                context.forward(new Record<>(dimensions + "@" + Instant.ofEpochMilli(start),
                        new Partial(partition, minute.value), start));
                open.delete(minute.key);
            }
        }

        /** Event times are 1970 .. 9999 (EventTimes): 15 digits of milliseconds. */
        private static final int START_DIGITS = 15;

        private static String openKey(long start, String dimensions) {
            return String.format("%015d", start) + "|" + dimensions;
        }
    }

    /**
     * Parses each event, with its own time as the record time; an unreadable one is marked for the dead-letter topic.
     * Events whose action is neither impression nor click are counted ({@code unknown-action-total}, stage
     * {@code clicks-parse}).
     */
    static final class ParseProcessor implements FixedKeyProcessor<String, byte[], Parsed> {
        private FixedKeyProcessorContext<String, Parsed> context;
        private DeadLetter deadLetter;
        private Sensor unknownAction;

        @Override
        public void init(FixedKeyProcessorContext<String, Parsed> context) {
            this.context = context;
            this.deadLetter = new DeadLetter(context, "clicks-parse");
            this.unknownAction = context.metrics().addRateTotalSensor(
                    "secpipe-stage", "clicks-parse-" + context.taskId(), "unknown-action", Sensor.RecordingLevel.INFO);
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            try {
                ClickEvent event = ClickEvent.parse(record.value(), record.timestamp());
                if (event.action() == ClickEvent.Action.OTHER) {
                    unknownAction.record();
                }
                context.forward(record.withValue(new Parsed(event, null)).withTimestamp(event.epochMillis()));
            } catch (MalformedClickException e) {
                deadLetter.mark(record.headers(), e);
                context.forward(record.withValue(new Parsed(null, record.value())));
            }
        }
    }
}
