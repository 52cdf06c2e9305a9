package io.secpipe.streams.time;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Counts the records a downstream tumbling-window aggregation will drop as late (their window closed:
 * window end + grace at or before stream time), in {@code secpipe-stage-metrics: late-record-total}
 * with the stage's name. Passes every record on: the aggregation decides, this only makes it visible. It must sit
 * on the stream the aggregation reads (after any repartition), so that both see the same records in the same order.
 */
public final class LateRecordCounter<V> implements FixedKeyProcessor<String, V, V> {

    private final String stage;
    private final long sizeMs;
    private final long graceMs;
    private FixedKeyProcessorContext<String, V> context;
    private Sensor late;
    private long observed = Long.MIN_VALUE;

    public LateRecordCounter(String stage, long sizeMs, long graceMs) {
        this.stage = stage;
        this.sizeMs = sizeMs;
        this.graceMs = graceMs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.late = context.metrics().addRateTotalSensor(
                "secpipe-stage", stage + "-" + context.taskId(), "late-record", Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        long ts = record.timestamp();
        // the window aggregation's own rule: the latest time this processor saw, this record included (not the
        // task's stream time, which in a test driver is shared by every sub-topology)
        observed = Math.max(observed, ts);
        long windowEnd = ts - Math.floorMod(ts, sizeMs) + sizeMs;
        if (windowEnd <= observed - graceMs) {
            late.record();
        }
        context.forward(record);
    }
}
