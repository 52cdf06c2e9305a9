package io.secpipe.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class AppMetricsTest {

    private final Map<MetricName, Metric> streamsMetrics = new HashMap<>();

    private void stageMetric(String entity, String name, double value) {
        MetricName metricName = new MetricName(name, "stream-secpipe-stage-metrics", "",
                Map.of("thread-id", "t1", "task-id", entity.substring(entity.lastIndexOf('-') + 1), "secpipe-stage-id", entity));
        streamsMetrics.put(metricName, new Metric() {
            @Override
            public MetricName metricName() {
                return metricName;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    @Test
    void stageCountersAreNamedByCounterAndStageSummedOverTasks() throws Exception {
        stageMetric("vpcflow-parse-0_0", "dead-letter-total", 2);
        stageMetric("vpcflow-parse-0_1", "dead-letter-total", 1);
        stageMetric("vpcflow-parse-0_1", "dead-letter-rate", 0.5);
        stageMetric("clicks-minute-3_0", "late-record-total", 7);
        try (AppMetrics metrics = new AppMetrics(() -> streamsMetrics, () -> { })) {
            String text = metrics.scrape();
            assertThat(text).contains("secpipe_dead_letter_total{stage=\"vpcflow-parse\"} 3.0\n");
            assertThat(text).contains("secpipe_late_record_total{stage=\"clicks-minute\"} 7.0\n");
            assertThat(text).doesNotContain("rate");

            // a counter a task registers later shows up on the next scrape; values are read at scrape time
            stageMetric("cloudtrail-match-2_0", "unmatched-total", 4);
            stageMetric("vpcflow-parse-0_0", "dead-letter-total", 5);
            text = metrics.scrape();
            assertThat(text).contains("secpipe_unmatched_total{stage=\"cloudtrail-match\"} 4.0\n");
            assertThat(text).contains("secpipe_dead_letter_total{stage=\"vpcflow-parse\"} 6.0\n");
        }
    }

    @Test
    void jvmMemoryAndGcAreThere() throws Exception {
        try (AppMetrics metrics = new AppMetrics(() -> streamsMetrics, () -> { })) {
            String text = metrics.scrape();
            assertThat(text).contains("jvm_memory_used_bytes{");
            assertThat(text).contains("jvm_gc_");
        }
    }
}
