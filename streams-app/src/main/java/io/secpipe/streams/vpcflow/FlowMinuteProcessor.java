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
 * windows are closed, whether it has open windows, and when (wall clock) it last got a flow; per window, the sums per
 * dimension set. Both stores are changelogged and written in the task's transaction, with the documents they cause:
 * after a crash, what was emitted and what the stores say agree (exactly-once); nothing in memory decides anything.
 *
 * <ul>
 *   <li>A flow whose minute is not closed is added to its window.</li>
 *   <li>A window closes when its resource's watermark passes its end plus the horizon, or when the resource has had
 *       no flow for the idle time (wall clock, counted from this task's start at the earliest): its documents and
 *       its series point (the resource's total for the minute) are emitted once, and the window is removed.</li>
 *   <li>A flow for a closed minute is late: counted and sent to the late topic with its reason, never added. So a
 *       replay of a file whose windows closed changes no document.</li>
 * </ul>
 * Windows close in minute order per resource and never reopen, so the series gets each minute once and in order.
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
    /** When this task started: a resource's quiet time counts from here at the earliest, so that the time the app was
     * down (and its backlog still unread) never closes a window. */
    private long started;

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
        this.started = context.currentSystemTimeMs();
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
        }
        add((ObjectNode) window.get("sums"), resource, doc);
        windows.put(key, window);

        state.put("watermark", Math.max(state.get("watermark").asLong(), ts));
        state.put("seen", context.currentSystemTimeMs());
        state.put("open", true);
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
        s.put("seen", context.currentSystemTimeMs());
        s.put("open", false);
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
            emit(resource, minute, w.value);
            windows.delete(w.key);
        }
        state.put("closed_before", bound);
        state.put("open", state.get("watermark").asLong() >= bound);
    }

    /** The window's documents, and the resource's total of the minute for the anomaly series. */
    private void emit(String resource, long minute, JsonNode window) {
        long flows = 0;
        long bytes = 0;
        long packets = 0;
        for (var e : window.get("sums").properties()) {
            JsonNode c = e.getValue();
            Counts counts = new Counts(c.get(0).asLong(), c.get(1).asLong(), c.get(2).asLong());
            forward(e.getKey() + "|" + Instant.ofEpochMilli(minute), Kind.DOCUMENT, FlowMinuteTopology.document(e.getKey(), minute, counts), minute);
            flows += counts.flows();
            bytes += counts.bytes();
            packets += counts.packets();
        }
        ObjectNode point = JsonNodeFactory.instance.objectNode();
        point.put("@timestamp", Instant.ofEpochMilli(minute).toString());
        point.put("window_end", Instant.ofEpochMilli(minute + MINUTE).toString());
        point.put(FlowMinuteTopology.resourceField(resource), resource);
        point.put("flows", flows);
        point.put("bytes", bytes);
        point.put("packets", packets);
        forward(resource, Kind.SERIES, point, minute);
    }

    private void forward(String key, Kind kind, JsonNode value, long minute) {
        context.forward(new Record<>(key, new Out(kind, JsonSerde.bytes(value)), minute));
    }

    /** Wall clock: the windows of a resource quiet for the idle time close (the end of a file, of a delivery). */
    private void closeIdle(long now) {
        long idle = config.idleClose().toMillis();
        List<KeyValue<String, JsonNode>> quiet = new ArrayList<>();
        try (KeyValueIterator<String, JsonNode> all = resources.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.path("open").asBoolean() && now - Math.max(started, kv.value.get("seen").asLong()) >= idle) {
                    quiet.add(kv);
                }
            });
        }
        for (KeyValue<String, JsonNode> r : quiet) {
            ObjectNode state = (ObjectNode) r.value;
            long watermark = state.get("watermark").asLong();
            closeBefore(r.key, state, watermark - Math.floorMod(watermark, MINUTE) + MINUTE);
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
