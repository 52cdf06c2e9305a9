package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.WindowStore;

/**
 * vpcflow.enriched → vpcflow.minute: flows, bytes and packets per minute of event time and per
 * interface × action × direction × destination port × protocol. Only final results leave (suppressed
 * until the window closes); records that arrive after their window closed are counted
 * ({@code late-record-total}, stage {@code vpcflow-minute}) and dropped.
 *
 * <p>Key: {@code interface|action|direction|dstport|protocol|window start} ({@code -} for a missing
 * dimension), so a replay overwrites its document. Value: {@code {"@timestamp": window start,
 * "window_end", "interface_id", "action", "direction", "dstport", "protocol", "protocol_name",
 * "flows", "bytes", "packets"}}; a missing dimension is left out.
 */
public final class FlowMinuteTopology {

    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final String[] DIMENSIONS = {"interface_id", "action", "direction", "dstport", "protocol"};

    public record Config(String inputTopic, String outputTopic, Duration grace) {
        public static Config from(Properties props) {
            return new Config(
                    props.getProperty("vpcflow.output.topic", "vpcflow.enriched"),
                    props.getProperty("vpcflow.minute.topic", "vpcflow.minute"),
                    Duration.parse(props.getProperty("vpcflow.minute.grace", "PT2M")));
        }
    }

    private FlowMinuteTopology() {
    }

    /** Standalone: reads the input topic itself (see {@link VpcFlowAnalytics} for the app's shared source). */
    public static void addTo(StreamsBuilder builder, Config config) {
        addTo(builder, VpcFlowAnalytics.enrichedFlows(builder, config.inputTopic()), config);
    }

    public static void addTo(StreamsBuilder builder, KStream<String, JsonNode> flows, Config config) {
        long graceMs = config.grace().toMillis();
        flows
                // NODATA and SKIPDATA lines say no flow was recorded: nothing to count
                .filter((key, doc) -> doc.has("action"), Named.as("vpcflow-minute-flows"))
                .map((key, doc) -> KeyValue.pair(dimensions(doc), counts(doc)), Named.as("vpcflow-minute-dimensions"))
                .repartition(Repartitioned.with(Serdes.String(), Counts.serde()).withName("vpcflow-minute-by-dimensions"))
                .processValues(() -> new LateRecordCounter<Counts>("vpcflow-minute", WINDOW.toMillis(), graceMs),
                        Named.as("vpcflow-minute-late"))
                .groupByKey(Grouped.with("vpcflow-minute-group", Serdes.String(), Counts.serde()))
                .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, config.grace()))
                .aggregate(() -> Counts.ZERO, (key, value, sum) -> sum.plus(value), Named.as("vpcflow-minute-sum"),
                        Materialized.<String, Counts, WindowStore<Bytes, byte[]>>as("vpcflow-minute-counts")
                                .withKeySerde(Serdes.String()).withValueSerde(Counts.serde()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("vpcflow-minute-final"))
                .toStream(Named.as("vpcflow-minute-closed"))
                .map((window, counts) -> KeyValue.pair(window.key() + "|" + Instant.ofEpochMilli(window.window().start()),
                        JsonSerde.bytes(document(window, counts))), Named.as("vpcflow-minute-document"))
                .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("vpcflow-minute-sink"));
    }

    static String dimensions(JsonNode doc) {
        StringBuilder key = new StringBuilder(64);
        for (int i = 0; i < DIMENSIONS.length; i++) {
            JsonNode v = doc.get(DIMENSIONS[i]);
            key.append(i == 0 ? "" : "|").append(v == null || v.isNull() ? "-" : v.asText());
        }
        return key.toString();
    }

    private static Counts counts(JsonNode doc) {
        return new Counts(1, doc.path("bytes").asLong(0), doc.path("packets").asLong(0));
    }

    static ObjectNode document(Windowed<String> window, Counts counts) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("@timestamp", Instant.ofEpochMilli(window.window().start()).toString());
        doc.put("window_end", Instant.ofEpochMilli(window.window().end()).toString());
        String[] values = window.key().split("\\|", -1);
        for (int i = 0; i < DIMENSIONS.length; i++) {
            if (values[i].equals("-")) {
                continue;
            }
            if (DIMENSIONS[i].equals("dstport") || DIMENSIONS[i].equals("protocol")) {
                doc.put(DIMENSIONS[i], Long.parseLong(values[i]));
            } else {
                doc.put(DIMENSIONS[i], values[i]);
            }
        }
        if (!values[4].equals("-")) {
            String name = IanaProtocols.name(Long.parseLong(values[4]));
            if (name != null) {
                doc.put("protocol_name", name);
            }
        }
        doc.put("flows", counts.flows());
        doc.put("bytes", counts.bytes());
        doc.put("packets", counts.packets());
        return doc;
    }
}
