package io.secpipe.streams.deadletter;

import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;

/**
 * Marks a record as rejected: the error's class, message and stage go into headers next to the
 * record's own (its source position among them), the value stays the raw bytes, and a counter
 * ({@code secpipe-stage-metrics: dead-letter-total}) says how many.
 */
public final class DeadLetter {

    private final String stage;
    private final Sensor counter;

    public DeadLetter(FixedKeyProcessorContext<?, ?> context, String stage) {
        this.stage = stage;
        this.counter = context.metrics().addRateTotalSensor(
                "secpipe-stage", stage + "-" + context.taskId(), "dead-letter", Sensor.RecordingLevel.INFO);
    }

    public void mark(Headers headers, Exception error) {
        headers.remove(SecpipeHeaders.ERROR_CLASS).remove(SecpipeHeaders.ERROR_MESSAGE).remove(SecpipeHeaders.ERROR_STAGE);
        headers.add(SecpipeHeaders.ERROR_CLASS, utf8(error.getClass().getName()));
        headers.add(SecpipeHeaders.ERROR_MESSAGE, utf8(String.valueOf(error.getMessage())));
        headers.add(SecpipeHeaders.ERROR_STAGE, utf8(stage));
        counter.record();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
