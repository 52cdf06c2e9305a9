package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.time.LateRecordCounter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.state.WindowStore;

/**
 * vpcflow.enriched → vpcflow.minute: flows, bytes and packets per minute of event time and per
 * interface × action × direction × destination port × protocol. Only final results leave (suppressed
 * until the window closes); records that arrive after their window closed are counted
 * ({@code late-record-total}, stage {@code vpcflow-minute}) and dropped.
 *
 * <p>The windows are kept per record key, the interface id the source keys raw.vpcflow by, with the other
 * dimensions inside the window's value: no repartition, so each window sees its interface's flows in the order
 * of their one partition. A repartition by all dimensions would merge the output of several upstream tasks, and
 * after a crash those catch up at different speeds: records more than the grace behind the fastest were dropped
 * as late (the fault suite caught it). Lines of one interface must therefore come under one key, as every secpipe
 * source sends them.
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
                .processValues(() -> new LateRecordCounter<JsonNode>("vpcflow-minute", WINDOW.toMillis(), graceMs),
                        Named.as("vpcflow-minute-late"))
                .groupByKey(Grouped.with("vpcflow-minute-group", Serdes.String(), JsonSerde.serde()))
                .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, config.grace()))
                .aggregate(JsonNodeFactory.instance::objectNode, (key, doc, sums) -> add((ObjectNode) sums, doc),
                        Named.as("vpcflow-minute-sum"),
                        Materialized.<String, JsonNode, WindowStore<Bytes, byte[]>>as("vpcflow-minute-counts")
                                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.serde()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("vpcflow-minute-final"))
                .toStream(Named.as("vpcflow-minute-closed"))
                .flatMap((window, sums) -> documents(window.window(), sums), Named.as("vpcflow-minute-documents"))
                .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("vpcflow-minute-sink"));
    }

    /** The window's value: {@code {"<dimensions>": [flows, bytes, packets], ...}}. */
    private static JsonNode add(ObjectNode sums, JsonNode doc) {
        String dimensions = dimensions(doc);
        JsonNode sum = sums.get(dimensions);
        ArrayNode counts = sum instanceof ArrayNode a ? a : sums.putArray(dimensions).add(0L).add(0L).add(0L);
        counts.set(0, counts.get(0).asLong() + 1);
        counts.set(1, counts.get(1).asLong() + doc.path("bytes").asLong(0));
        counts.set(2, counts.get(2).asLong() + doc.path("packets").asLong(0));
        return sums;
    }

    private static List<KeyValue<String, byte[]>> documents(Window window, JsonNode sums) {
        List<KeyValue<String, byte[]>> documents = new ArrayList<>();
        sums.properties().forEach(e -> {
            JsonNode c = e.getValue();
            Counts counts = new Counts(c.get(0).asLong(), c.get(1).asLong(), c.get(2).asLong());
            documents.add(KeyValue.pair(e.getKey() + "|" + Instant.ofEpochMilli(window.start()),
                    JsonSerde.bytes(document(e.getKey(), window, counts))));
        });
        return documents;
    }

    static String dimensions(JsonNode doc) {
        StringBuilder key = new StringBuilder(64);
        for (int i = 0; i < DIMENSIONS.length; i++) {
            JsonNode v = doc.get(DIMENSIONS[i]);
            key.append(i == 0 ? "" : "|").append(v == null || v.isNull() ? "-" : v.asText());
        }
        return key.toString();
    }

    static ObjectNode document(String dimensions, Window window, Counts counts) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("@timestamp", Instant.ofEpochMilli(window.start()).toString());
        doc.put("window_end", Instant.ofEpochMilli(window.end()).toString());
        String[] values = dimensions.split("\\|", -1);
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
