package io.secpipe.connect.source.metrics;

import java.util.LinkedHashMap;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.connect.source.SourceTaskContext;

/**
 * A source task's counters as Connect plugin metrics (KIP-877), next to the worker's own task
 * metrics: {@code records-total}, {@code bytes-total}, {@code errors-total} and {@code lag-ms}
 * (how far behind the newest input the task is, in milliseconds, where the source can tell).
 * All are sensors, which are shared by name: a restarted task may start while its previous
 * instance is still shutting down, and a second registration of a plain metric would fail it.
 */
public final class SourceTaskMetrics {

    private final Sensor records;
    private final Sensor bytes;
    private final Sensor errors;
    private final Sensor lag;

    public SourceTaskMetrics(SourceTaskContext context) {
        PluginMetrics metrics = context.pluginMetrics();
        records = sensor(metrics, "records-total", "Records sent to Kafka", new CumulativeSum());
        bytes = sensor(metrics, "bytes-total", "Bytes of input read", new CumulativeSum());
        errors = sensor(metrics, "errors-total", "Pieces of input sent to the errors topic instead", new CumulativeSum());
        lag = sensor(metrics, "lag-ms", "How far behind the newest input the task is", new Value());
    }

    private static Sensor sensor(PluginMetrics metrics, String name, String description, MeasurableStat stat) {
        Sensor sensor = metrics.addSensor(name);
        sensor.add(metrics.metricName(name, description, new LinkedHashMap<>()), stat);
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
        lag.record(Math.max(0, millis));
    }
}
