package io.secpipe.connect.source.metrics;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.connect.source.SourceTaskContext;

/**
 * A source task's counters as Connect plugin metrics (KIP-877), next to the worker's own task
 * metrics: {@code records-total}, {@code bytes-total}, {@code errors-total} and {@code lag-ms}
 * (how far behind the newest input the task is, in milliseconds, where the source can tell).
 */
public final class SourceTaskMetrics {

    private final Sensor records;
    private final Sensor bytes;
    private final Sensor errors;
    private final AtomicLong lagMs = new AtomicLong();

    public SourceTaskMetrics(SourceTaskContext context) {
        PluginMetrics metrics = context.pluginMetrics();
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        records = total(metrics, "records", "Records sent to Kafka", tags);
        bytes = total(metrics, "bytes", "Bytes of input read", tags);
        errors = total(metrics, "errors", "Pieces of input sent to the errors topic instead", tags);
        metrics.addMetric(metrics.metricName("lag-ms", "How far behind the newest input the task is", tags),
                (Gauge<Long>) (config, now) -> lagMs.get());
    }

    private static Sensor total(PluginMetrics metrics, String name, String description, LinkedHashMap<String, String> tags) {
        Sensor sensor = metrics.addSensor(name);
        sensor.add(metrics.metricName(name + "-total", description, tags), new CumulativeSum());
        return sensor;
    }

    public void record(long inputBytes) {
        records.record();
        bytes.record(inputBytes);
    }

    public void error(long inputBytes) {
        errors.record();
        bytes.record(inputBytes);
    }

    public void lag(long millis) {
        lagMs.set(Math.max(0, millis));
    }
}
