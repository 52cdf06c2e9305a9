package io.secpipe.streams.vpcflow;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Counts the records a downstream tumbling-window aggregation will drop as late (their window closed:
 * window end + grace at or before stream time), in {@code secpipe-stage-metrics: late-record-total}
 * with the stage's name. Passes every record on: the aggregation decides, this only makes it visible.
 */
final class LateRecordCounter<V> implements FixedKeyProcessor<String, V, V> {

    private final String stage;
    private final long sizeMs;
    private final long graceMs;
    private FixedKeyProcessorContext<String, V> context;
    private Sensor late;
    private long observed = Long.MIN_VALUE;

    LateRecordCounter(String stage, long sizeMs, long graceMs) {
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
        // the same rule as the window aggregation: stream time includes this record
        observed = Math.max(Math.max(observed, ts), context.currentStreamTimeMs());
        long windowEnd = ts - Math.floorMod(ts, sizeMs) + sizeMs;
        if (windowEnd <= observed - graceMs) {
            late.record();
        }
        context.forward(record);
    }
}
