package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Minute windows per resource (the record key: an interface, or a transit-gateway attachment) with that resource's
 * own event time, so that one interface far ahead makes none of the others' flows late.
 *
 * <p>Per resource the store keeps its watermark (the latest event time seen for it), the minute before which its
 * windows are closed, the last minute given to the anomaly series, and when (wall clock) it last got a flow.
 * Per window it keeps the sums per dimension set and two flags: {@code dirty} (the sums changed since the documents
 * were last emitted) and {@code scored} (the minute went to the series). Flags and sums live in the same
 * changelogged stores as the task's output transaction, so after a crash what was emitted and what the store says
 * agree (exactly-once), and no in-memory state decides anything.
 *
 * <ul>
 *   <li>A flow whose minute is not closed is added; its window's documents are emitted when the window closes.</li>
 *   <li>A window closes when the resource's watermark passes its end plus the horizon: its documents (if dirty) and
 *       its series point (if not yet sent) are emitted and the window is removed. A flow for a closed minute is late:
 *       counted and sent to the late topic, never added.</li>
 *   <li>When a resource got no flow for the idle time (wall clock), its windows are emitted as they are: the
 *       documents, and the series point of each minute not yet sent (final for the series). The windows stay for
 *       the horizon (in wall-clock time) so a flow that still comes corrects the documents; then they close.</li>
 * </ul>
 */
final class FlowMinuteProcessor implements Processor<String, JsonNode, String, FlowMinuteProcessor.Out> {

    static final long MINUTE = Duration.ofMinutes(1).toMillis();
    static final String LATE_REASON = "late: window closed";

    /** What leaves: a minute document, a per-resource minute total for the anomaly series, or a late flow. */
    enum Kind { DOCUMENT, SERIES, LATE }

    record Out(Kind kind, byte[] value) {
    }

    private final FlowMinuteTopology.Config config;
    private ProcessorContext<String, Out> context;
    private KeyValueStore<String, JsonNode> windows;
    private KeyValueStore<String, JsonNode> resources;
    private Sensor late;

    FlowMinuteProcessor(FlowMinuteTopology.Config config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, Out> context) {
        this.context = context;
        this.windows = context.getStateStore(FlowMinuteTopology.WINDOWS_STORE);
        this.resources = context.getStateStore(FlowMinuteTopology.RESOURCES_STORE);
        this.late = context.metrics().addRateTotalSensor(
                "secpipe-stage", "vpcflow-minute-" + context.taskId(), "late-record", Sensor.RecordingLevel.INFO);
        context.schedule(punctuationInterval(config.idleClose()), PunctuationType.WALL_CLOCK_TIME, this::closeIdle);
    }

    /** Often enough that a quiet resource's windows leave at most a sixth of the idle time after it. */
    static Duration punctuationInterval(Duration idleClose) {
        long ms = Math.max(1000, Math.min(10_000, idleClose.toMillis() / 6));
        return Duration.ofMillis(ms);
    }

    @Override
    public void process(Record<String, JsonNode> record) {
        JsonNode doc = record.value();
        String resource = resource(record.key(), doc);
        long ts = record.timestamp();
        long minute = ts - Math.floorMod(ts, MINUTE);
        ObjectNode state = state(resource);
        if (minute < state.get("closed_before").asLong()) {
            late(record);
            return;
        }
        String key = windowKey(resource, minute);
        ObjectNode window = (ObjectNode) windows.get(key);
        if (window == null) {
            window = JsonNodeFactory.instance.objectNode();
            window.putObject("sums");
            window.put("scored", false);
        }
        add((ObjectNode) window.get("sums"), resource, doc);
        window.put("dirty", true);
        windows.put(key, window);

        state.put("watermark", Math.max(state.get("watermark").asLong(), ts));
        state.put("seen", context.currentSystemTimeMs());
        state.put("pending", true);
        long watermark = state.get("watermark").asLong();
        long horizonBound = watermark - config.grace().toMillis();
        // every minute whose end is at or before watermark - horizon is closed
        closeBefore(resource, state, horizonBound - Math.floorMod(horizonBound, MINUTE));
        resources.put(resource, state);
    }

    private ObjectNode state(String resource) {
        JsonNode stored = resources.get(resource);
        if (stored instanceof ObjectNode o) {
            return o;
        }
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("watermark", Long.MIN_VALUE);
        s.put("closed_before", Long.MIN_VALUE);
        s.put("scored_through", Long.MIN_VALUE);
        s.put("seen", context.currentSystemTimeMs());
        s.put("pending", false);
        return s;
    }

    /** Emits and removes every window of the resource before {@code bound}; later flows for them are late. */
    private void closeBefore(String resource, ObjectNode state, long bound) {
        if (bound <= state.get("closed_before").asLong()) {
            return;
        }
        for (KeyValue<String, JsonNode> w : windowsOf(resource)) {
            long minute = minuteOf(w.key);
            if (minute >= bound) {
                break;
            }
            emit(resource, minute, (ObjectNode) w.value, state);
            windows.delete(w.key);
        }
        state.put("closed_before", bound);
    }

    /** The documents if the sums changed since last emitted, and the series point once per minute, in order. */
    private void emit(String resource, long minute, ObjectNode window, ObjectNode state) {
        JsonNode sums = window.get("sums");
        if (window.path("dirty").asBoolean()) {
            sums.properties().forEach(e -> {
                JsonNode c = e.getValue();
                Counts counts = new Counts(c.get(0).asLong(), c.get(1).asLong(), c.get(2).asLong());
                String key = e.getKey() + "|" + Instant.ofEpochMilli(minute);
                forward(key, Kind.DOCUMENT, FlowMinuteTopology.document(e.getKey(), minute, counts), minute);
            });
            window.put("dirty", false);
        }
        // a minute before one already sent cannot be a point of the series any more (it would be out of order):
        // it happens only when a resource's flows for a minute come after a later minute was emitted on idle
        if (!window.path("scored").asBoolean() && minute > state.get("scored_through").asLong()) {
            long flows = 0;
            long bytes = 0;
            long packets = 0;
            for (JsonNode c : (Iterable<JsonNode>) () -> sums.elements()) {
                flows += c.get(0).asLong();
                bytes += c.get(1).asLong();
                packets += c.get(2).asLong();
            }
            ObjectNode point = JsonNodeFactory.instance.objectNode();
            point.put("@timestamp", Instant.ofEpochMilli(minute).toString());
            point.put("window_end", Instant.ofEpochMilli(minute + MINUTE).toString());
            point.put(FlowMinuteTopology.resourceField(resource), resource);
            point.put("flows", flows);
            point.put("bytes", bytes);
            point.put("packets", packets);
            forward(resource, Kind.SERIES, point, minute);
            state.put("scored_through", minute);
        }
        window.put("scored", true);
    }

    private void forward(String key, Kind kind, JsonNode value, long minute) {
        context.forward(new Record<>(key, new Out(kind, JsonSerde.bytes(value)), minute));
    }

    /** Wall clock: resources quiet for the idle time emit their windows; quiet for idle + horizon, they close. */
    private void closeIdle(long now) {
        long idle = config.idleClose().toMillis();
        List<KeyValue<String, JsonNode>> quiet = new ArrayList<>();
        try (KeyValueIterator<String, JsonNode> all = resources.all()) {
            all.forEachRemaining(kv -> {
                long seen = kv.value.get("seen").asLong();
                boolean open = kv.value.get("watermark").asLong() >= kv.value.get("closed_before").asLong();
                if (now - seen >= idle && (kv.value.path("pending").asBoolean() || open && now - seen >= idle + config.grace().toMillis())) {
                    quiet.add(kv);
                }
            });
        }
        for (KeyValue<String, JsonNode> r : quiet) {
            ObjectNode state = (ObjectNode) r.value;
            if (now - state.get("seen").asLong() >= idle + config.grace().toMillis()) {
                long watermark = state.get("watermark").asLong();
                closeBefore(r.key, state, watermark - Math.floorMod(watermark, MINUTE) + MINUTE);
            } else {
                for (KeyValue<String, JsonNode> w : windowsOf(r.key)) {
                    ObjectNode window = (ObjectNode) w.value;
                    emit(r.key, minuteOf(w.key), window, state);
                    windows.put(w.key, window);
                }
            }
            state.put("pending", false);
            resources.put(r.key, state);
        }
    }

    private List<KeyValue<String, JsonNode>> windowsOf(String resource) {
        List<KeyValue<String, JsonNode>> list = new ArrayList<>();
        try (KeyValueIterator<String, JsonNode> it = windows.range(resource + "|", resource + "|~")) {
            it.forEachRemaining(list::add);
        }
        return list;
    }

    private void late(Record<String, JsonNode> record) {
        Headers headers = record.headers();
        headers.remove(SecpipeHeaders.ERROR_CLASS).remove(SecpipeHeaders.ERROR_MESSAGE).remove(SecpipeHeaders.ERROR_STAGE);
        headers.add(SecpipeHeaders.ERROR_CLASS, utf8("io.secpipe.streams.vpcflow.LateFlow"));
        headers.add(SecpipeHeaders.ERROR_MESSAGE, utf8(LATE_REASON));
        headers.add(SecpipeHeaders.ERROR_STAGE, utf8("vpcflow-minute"));
        late.record();
        context.forward(record.withValue(new Out(Kind.LATE, JsonSerde.bytes(record.value()))));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The window's sums: {@code {"<resource>|<action>|<direction>|<dstport>|<protocol>": [flows, bytes, packets]}}. */
    private static void add(ObjectNode sums, String resource, JsonNode doc) {
        String dimensions = resource + "|" + FlowMinuteTopology.dimensions(doc);
        JsonNode sum = sums.get(dimensions);
        ArrayNode counts = sum instanceof ArrayNode a ? a : sums.putArray(dimensions).add(0L).add(0L).add(0L);
        counts.set(0, counts.get(0).asLong() + 1);
        counts.set(1, counts.get(1).asLong() + doc.path("bytes").asLong(0));
        counts.set(2, counts.get(2).asLong() + doc.path("packets").asLong(0));
    }

    /** The record key (the source keys flows by the resource that reported them), else the document's own id. */
    static String resource(String key, JsonNode doc) {
        if (key != null && !key.isEmpty()) {
            return key;
        }
        for (String field : new String[] {"interface_id", "tgw_attachment_id", "tgw_id"}) {
            JsonNode v = doc.get(field);
            if (v != null && v.isTextual() && !v.textValue().isEmpty()) {
                return v.textValue();
            }
        }
        return "-";
    }

    /** Zero-padded, so that a resource's windows sort by minute. */
    static String windowKey(String resource, long minute) {
        return resource + "|" + String.format("%016d", minute);
    }

    private static long minuteOf(String windowKey) {
        return Long.parseLong(windowKey.substring(windowKey.lastIndexOf('|') + 1));
    }
}
