package io.secpipe.streams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The app's own counters (late records, dead letters: the {@code *-total} metrics of the secpipe-stage sensors)
 * summed over tasks per stage, written as a properties file for supervisors and {@code bin/secpipe status}, which
 * run in other processes and need no JMX for two numbers. Lines: {@code <stage>.<metric>=<total>}.
 */
public final class StageMetricsFile {

    /** The tag Kafka Streams gives the entity of a sensor added with {@code addRateTotalSensor("secpipe-stage", ...)}. */
    static final String STAGE_TAG = "secpipe-stage-id";

    private StageMetricsFile() {
    }

    /** {@code <stage>.<metric>} → total, over every task's sensor of that stage (entities are {@code <stage>-<taskId>}). */
    public static Map<String, Long> totals(Map<MetricName, ? extends Metric> metrics) {
        Map<String, Long> totals = new TreeMap<>();
        metrics.forEach((name, metric) -> {
            String entity = name.tags().get(STAGE_TAG);
            if (entity == null || !name.name().endsWith("-total") || !(metric.metricValue() instanceof Number n)) {
                return;
            }
            int task = entity.lastIndexOf('-');
            String stage = task > 0 ? entity.substring(0, task) : entity;
            totals.merge(stage + "." + name.name(), n.longValue(), Long::sum);
        });
        return totals;
    }

    /** Replaces {@code file} atomically, so a reader never sees half of it. */
    static void write(Path file, Map<MetricName, ? extends Metric> metrics) throws IOException {
        StringBuilder text = new StringBuilder("# secpipe-streams stage counters, totals since the app started\n");
        totals(metrics).forEach((key, total) -> text.append(key).append('=').append(total).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
