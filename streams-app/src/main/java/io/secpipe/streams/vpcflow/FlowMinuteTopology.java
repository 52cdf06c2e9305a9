package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.StreamsSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * vpcflow.enriched → vpcflow.minute: flows, bytes and packets per minute of event time and per resource (the
 * interface, or for transit-gateway flows the attachment) × action × direction × destination port × protocol;
 * → vpcflow.minute.series: each resource's total per minute, once, for the anomaly scorer; → late.vpcflow: flows
 * that came after their window closed, with the reason (counted in {@code late-record-total}, stage
 * {@code vpcflow-minute}).
 *
 * <p>Event time is kept per resource, not per partition ({@link FlowMinuteProcessor}): AWS delivers each
 * interface's flows of one aggregation interval together, in no order, and different interfaces' deliveries minutes
 * apart; by a partition's clock a flow would be late because another interface's was read first. A window closes
 * when its resource's own event time passes its end plus the horizon ({@code vpcflow.minute.grace}, default PT20M:
 * a 10-minute aggregation interval plus 10 minutes of delivery delay), or when its resource has been quiet for
 * {@code vpcflow.minute.idle.close} of wall-clock time (default PT15M): the end of a file closes its windows. The
 * default outlasts a 10-minute aggregation interval: an interface's capture windows start at its own second, so the
 * minute that holds a window's end gets flows from two deliveries one interval apart, and must stay open between them.
 * The local stack, which replays finished files, sets PT1M.
 *
 * <p>No repartition: each resource's flows are in the order of their one partition, so a crash's catch-up cannot
 * reorder them. Lines of one resource must therefore come under one key, as every secpipe source sends them.
 *
 * <p>Key: {@code resource|action|direction|dstport|protocol|window start} ({@code -} for a missing dimension), so a
 * document emitted again (a flow that came after the idle close) overwrites itself, and so does a replay. Value:
 * {@code {"@timestamp": window start, "window_end", "interface_id" (or "tgw_attachment_id", "tgw_id"), "action",
 * "direction", "dstport", "protocol", "protocol_name", "flows", "bytes", "packets"}}; a missing dimension is left out.
 */
public final class FlowMinuteTopology {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final String WINDOWS_STORE = "vpcflow-minute-windows";
    static final String RESOURCES_STORE = "vpcflow-minute-resources";
    private static final String[] DIMENSIONS = {"action", "direction", "dstport", "protocol"};

    /**
     * @param grace      the horizon: how far behind its resource's latest event time a flow may be and still count
     * @param idleClose  wall-clock quiet time after which a resource's open windows are emitted
     */
    public record Config(String inputTopic, String outputTopic, Duration grace, Duration idleClose, String lateTopic,
                         String seriesTopic) {
        public static Config from(Properties props) {
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.vpcflow());
            return new Config(
                    c.getString("vpcflow.output.topic"),
                    c.getString("vpcflow.minute.topic"),
                    Duration.parse(c.getString("vpcflow.minute.grace")),
                    Duration.parse(c.getString("vpcflow.minute.idle.close")),
                    c.getString("vpcflow.minute.late.topic"),
                    c.getString("vpcflow.minute.series.topic"));
        }
    }

    private FlowMinuteTopology() {
    }

    /** Standalone: reads the input topic itself (see {@link VpcFlowAnalytics} for the app's shared source). */
    public static void addTo(StreamsBuilder builder, Config config) {
        addTo(builder, VpcFlowAnalytics.enrichedFlows(builder, config.inputTopic()), config);
    }

    public static void addTo(StreamsBuilder builder, KStream<String, JsonNode> flows, Config config) {
        for (String store : new String[] {WINDOWS_STORE, RESOURCES_STORE}) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), JsonSerde.serde())
                    .withCachingEnabled());
        }
        var out = flows
                .filter((key, doc) -> counted(doc), Named.as("vpcflow-minute-flows"))
                .process(() -> new FlowMinuteProcessor(config), Named.as("vpcflow-minute-windows"), WINDOWS_STORE, RESOURCES_STORE)
                .split(Named.as("vpcflow-minute-"))
                .branch((key, o) -> o.kind() == FlowMinuteProcessor.Kind.DOCUMENT, Branched.as("documents"))
                .branch((key, o) -> o.kind() == FlowMinuteProcessor.Kind.SERIES, Branched.as("series"))
                .defaultBranch(Branched.as("late"));
        sink(out.get("vpcflow-minute-documents"), config.outputTopic(), "vpcflow-minute-sink");
        sink(out.get("vpcflow-minute-series"), config.seriesTopic(), "vpcflow-minute-series-sink");
        sink(out.get("vpcflow-minute-late"), config.lateTopic(), "vpcflow-minute-late-sink");
    }

    private static void sink(KStream<String, FlowMinuteProcessor.Out> stream, String topic, String name) {
        stream.mapValues(FlowMinuteProcessor.Out::value, Named.as(name + "-value"))
                .to(topic, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name));
    }

    /**
     * A flow that carries traffic: NODATA and SKIPDATA lines say none was recorded. Transit-gateway flows have bytes
     * and packets but no action: they count, under their attachment.
     */
    static boolean counted(JsonNode doc) {
        String status = doc.path("log_status").asText("");
        if (status.equals("NODATA") || status.equals("SKIPDATA")) {
            return false;
        }
        return doc.has("action") || doc.has("bytes") || doc.has("packets");
    }

    /** The document field that names a resource, by its id's form. */
    static String resourceField(String resource) {
        if (resource.startsWith("tgw-attach-")) {
            return "tgw_attachment_id";
        }
        return resource.startsWith("tgw-") ? "tgw_id" : "interface_id";
    }

    static String dimensions(JsonNode doc) {
        StringBuilder key = new StringBuilder(64);
        for (int i = 0; i < DIMENSIONS.length; i++) {
            JsonNode v = doc.get(DIMENSIONS[i]);
            key.append(i == 0 ? "" : "|").append(v == null || v.isNull() ? "-" : v.asText());
        }
        return key.toString();
    }

    /** {@code dimensions}: {@code resource|action|direction|dstport|protocol}. */
    static ObjectNode document(String dimensions, long minute, Counts counts) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("@timestamp", Instant.ofEpochMilli(minute).toString());
        doc.put("window_end", Instant.ofEpochMilli(minute + WINDOW.toMillis()).toString());
        String[] values = dimensions.split("\\|", -1);
        if (!values[0].equals("-")) {
            doc.put(resourceField(values[0]), values[0]);
        }
        for (int i = 0; i < DIMENSIONS.length; i++) {
            String v = values[i + 1];
            if (v.equals("-")) {
                continue;
            }
            if (DIMENSIONS[i].equals("dstport") || DIMENSIONS[i].equals("protocol")) {
                doc.put(DIMENSIONS[i], Long.parseLong(v));
            } else {
                doc.put(DIMENSIONS[i], v);
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
