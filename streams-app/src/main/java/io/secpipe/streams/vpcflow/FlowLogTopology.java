package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import io.secpipe.streams.StreamsSettings;
import io.secpipe.streams.deadletter.DeadLetter;
import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.geo.MaxMindGeoLookup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * raw.vpcflow → vpcflow.enriched: each flow-log line parsed by the field list it carries (its
 * {@code secpipe.format} header) or the configured default, joined with its interface's ref.eni
 * document (a GlobalKTable) and enriched by {@link FlowEnricher}; a line that does not parse goes,
 * raw and with the reason in its headers, to dlq.vpcflow. A header line is dropped. A flow without
 * {@code start}/{@code end} takes its time from the {@code secpipe.delivery.time} header, else from the record's
 * timestamp (see {@link FlowLogParser}).
 */
public final class FlowLogTopology {

    /** The name of the GlobalKTable's store of ref.eni (not a topic: its changelog is ref.eni itself). */
    public static final String ENI_STORE = "vpcflow-eni";

    /**
     * Topic names, the default field list, how often the address index of the ENIs is rebuilt, and geo:
     * all configurable, these are the defaults.
     */
    public record Config(String inputTopic, String outputTopic, String deadLetterTopic, List<String> defaultFormat,
                         String eniTopic, Duration eniIndexRefresh, GeoLookup geo) {
        public static Config from(Properties props) {
            return from(props, MaxMindGeoLookup.fromSettings(props));
        }

        /** With a geo lookup the app shares among its topologies (one set of database readers). */
        public static Config from(Properties props, GeoLookup geo) {
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.vpcflow());
            return new Config(
                    c.getString("vpcflow.input.topic"),
                    c.getString("vpcflow.output.topic"),
                    c.getString("vpcflow.dlq.topic"),
                    FlowLogFormat.tokens(c.getString("vpcflow.default.format")),
                    c.getString("vpcflow.eni.topic"),
                    Duration.parse(c.getString("vpcflow.eni.index.refresh")),
                    geo);
        }
    }

    /** A parsed document, or the raw line that failed (its headers then say why). */
    record Parsed(ObjectNode document, byte[] raw) {
        boolean ok() {
            return document != null;
        }
    }

    /** A parsed flow and its interface's inventory entry (null when ref.eni does not know it). */
    record WithEni(ObjectNode document, Eni eni) {
    }

    private FlowLogTopology() {
    }

    public static void addTo(StreamsBuilder builder, Config config) {
        GlobalKTable<String, Eni> enis = builder.globalTable(config.eniTopic(),
                Consumed.with(Serdes.String(), Eni.serde()).withName("vpcflow-eni-source"),
                Materialized.<String, Eni, KeyValueStore<Bytes, byte[]>>as(ENI_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Eni.serde()));
        FlowEnricher enricher = new FlowEnricher(config.geo());
        builder.stream(config.inputTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("vpcflow-raw"))
                .processValues(() -> new ParseProcessor(config.defaultFormat()), Named.as("vpcflow-parse"))
                .split(Named.as("vpcflow-"))
                .branch((key, parsed) -> parsed.ok(), Branched.withConsumer(documents -> documents
                        .leftJoin(enis, (key, parsed) -> eniKey(key, parsed.document()),
                                (parsed, eni) -> new WithEni(parsed.document(), eni), Named.as("vpcflow-eni-join"))
                        .processValues(() -> new EnrichProcessor(enricher, config.eniIndexRefresh()), Named.as("vpcflow-enrich"))
                        .mapValues(JsonSerde::bytes, Named.as("vpcflow-document"))
                        .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "parsed"))
                .defaultBranch(Branched.withConsumer(rejects -> rejects
                        .mapValues(Parsed::raw, Named.as("vpcflow-raw-line"))
                        .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "dead-letter"));
    }

    /**
     * The line's own interface id; when a custom format left it out, the record key if it names an interface (a
     * CloudWatch Logs stream of a flow log is its interface). A transit-gateway flow has no interface: its key is
     * its attachment, which ref.eni does not hold, so it joins nothing.
     */
    static String eniKey(String recordKey, JsonNode document) {
        JsonNode id = document.get("interface_id");
        if (id != null) {
            return id.asText();
        }
        return recordKey != null && recordKey.startsWith("eni-") ? recordKey : "";
    }

    /** Enriches each flow; rebuilds the address index of ref.eni when it is older than the refresh interval. */
    static final class EnrichProcessor implements FixedKeyProcessor<String, WithEni, ObjectNode> {
        private final FlowEnricher enricher;
        private final long refreshMs;
        private FixedKeyProcessorContext<String, ObjectNode> context;
        private ReadOnlyKeyValueStore<String, Object> eniStore;
        private EniIndex index;
        private long indexBuiltAt;

        EnrichProcessor(FlowEnricher enricher, Duration refresh) {
            this.enricher = enricher;
            this.refreshMs = refresh.toMillis();
        }

        @Override
        public void init(FixedKeyProcessorContext<String, ObjectNode> context) {
            this.context = context;
            this.eniStore = context.getStateStore(ENI_STORE);
        }

        @Override
        public void process(FixedKeyRecord<String, WithEni> record) {
            ObjectNode doc = enricher.enrich(record.value().document(), record.value().eni(), index());
            context.forward(record.withValue(doc));
        }

        /** A scan of the global store, at most once per interval: ENIs change far less often than flows arrive. */
        private EniIndex index() {
            long now = context.currentSystemTimeMs();
            if (index == null || now - indexBuiltAt >= refreshMs) {
                List<Eni> all = new ArrayList<>();
                try (KeyValueIterator<String, Object> it = eniStore.all()) {
                    while (it.hasNext()) {
                        KeyValue<String, Object> kv = it.next();
                        Object v = kv.value instanceof ValueAndTimestamp<?> vt ? vt.value() : kv.value;
                        if (v instanceof Eni eni && eni.interfaceId() != null) {
                            all.add(eni);
                        }
                    }
                }
                index = EniIndex.of(all);
                indexBuiltAt = now;
            }
            return index;
        }
    }

    static final class ParseProcessor implements FixedKeyProcessor<String, byte[], Parsed> {
        private static final int FORMAT_CACHE_SIZE = 64;

        private final List<String> defaultFormat;
        /** Split field lists by their header text: a file's lines all carry the same one. */
        private final Map<String, List<String>> formats = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > FORMAT_CACHE_SIZE;
            }
        };
        private FixedKeyProcessorContext<String, Parsed> context;
        private DeadLetter deadLetter;

        ParseProcessor(List<String> defaultFormat) {
            this.defaultFormat = defaultFormat;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Parsed> context) {
            this.context = context;
            this.deadLetter = new DeadLetter(context, "vpcflow-parse");
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            byte[] raw = record.value();
            try {
                if (raw == null) {
                    throw new FlowLogParseException("the record has no value");
                }
                String line = new String(raw, StandardCharsets.UTF_8);
                if (FlowLogFormat.isHeader(line)) {
                    return; // a header that reached the topic (the framing drops them) is no flow and no error
                }
                ObjectNode document = FlowLogParser.parse(line, format(record), deliveryTime(record), record.timestamp());
                context.forward(record.withValue(new Parsed(document, null)));
            } catch (Exception e) {
                // Anything a line can make the parser throw is that line's fault, not the app's: dead-letter it.
                deadLetter.mark(record.headers(), e);
                context.forward(record.withValue(new Parsed(null, raw)));
            }
        }

        /** The source's delivery time; an unreadable one counts as none (the record's timestamp is then used). */
        private static Instant deliveryTime(FixedKeyRecord<String, byte[]> record) {
            Header header = record.headers().lastHeader(SecpipeHeaders.DELIVERY_TIME);
            if (header == null || header.value() == null) {
                return null;
            }
            try {
                return Instant.parse(new String(header.value(), StandardCharsets.UTF_8).strip());
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        private List<String> format(FixedKeyRecord<String, byte[]> record) {
            Header header = record.headers().lastHeader(SecpipeHeaders.FORMAT);
            if (header == null) {
                return defaultFormat;
            }
            return formats.computeIfAbsent(new String(header.value(), StandardCharsets.UTF_8), FlowLogFormat::tokens);
        }
    }
}
