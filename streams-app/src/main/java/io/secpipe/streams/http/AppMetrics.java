package io.secpipe.streams.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.secpipe.streams.StageMetricsFile;
import io.secpipe.streams.anomaly.AnomalyTopology;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What {@code /metrics} serves: Kafka Streams' own metrics (Micrometer's binder: {@code kafka_stream_*},
 * {@code kafka_consumer_*}, ...), JVM memory and GC, and secpipe's own:
 * <ul>
 *   <li>{@code secpipe_<counter>_total{stage="..."}}: each stage counter of the {@code secpipe-stage} sensors
 *   ({@code dead-letter-total}, {@code late-record-total}, {@code unmatched-total}, ...), summed over the stage's
 *   tasks on this instance, so a series is named by its stage rather than by {@code <stage>-<task>};</li>
 *   <li>{@code secpipe_anomaly_series{detector="..."}}: the series each Random Cut Forest detector keeps (its
 *   store's approximate entry count; absent while the store cannot be queried).</li>
 * </ul>
 */
public final class AppMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<Map<MetricName, ? extends Metric>> streamsMetrics;
    private final Set<String> registeredStageCounters = ConcurrentHashMap.newKeySet();
    private volatile Map<String, Long> stageTotals = Map.of();
    private final AutoCloseable streamsBinder;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    AppMetrics(Supplier<Map<MetricName, ? extends Metric>> streamsMetrics, AutoCloseable streamsBinder) {
        this.streamsMetrics = streamsMetrics;
        this.streamsBinder = streamsBinder;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** Every metric of {@code streams}, and the series count of each of {@code detectors}' forests stores. */
    public static AppMetrics of(KafkaStreams streams, List<String> detectors) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        AppMetrics metrics = new AppMetrics(streams::metrics, binder);
        binder.bindTo(metrics.registry);
        for (String detector : detectors) {
            String store = AnomalyTopology.storeName(detector);
            Gauge.builder("secpipe.anomaly.series", () -> seriesCount(streams, store))
                    .tag("detector", detector)
                    .description("Series the detector keeps a forest for (approximate)")
                    .register(metrics.registry);
        }
        return metrics;
    }

    private static Number seriesCount(KafkaStreams streams, String store) {
        try {
            ReadOnlyKeyValueStore<String, byte[]> forests =
                    streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
            return forests.approximateNumEntries();
        } catch (InvalidStateStoreException | IllegalStateException e) {
            return Double.NaN; // not running, or the store is migrating: no value rather than a wrong one
        }
    }

    /** The Prometheus text, after registering the stage counters that appeared since the last scrape. */
    public String scrape() {
        refreshStageCounters();
        return registry.scrape();
    }

    void refreshStageCounters() {
        Map<String, Long> totals = StageMetricsFile.totals(streamsMetrics.get());
        stageTotals = totals;
        for (String key : totals.keySet()) {
            if (registeredStageCounters.add(key)) {
                int dot = key.lastIndexOf('.');
                String stage = key.substring(0, dot);
                String counter = key.substring(dot + 1).replaceFirst("-total$", "");
                FunctionCounter.builder("secpipe." + counter.replace('-', '.'), this,
                                m -> m.stageTotals.getOrDefault(key, 0L).doubleValue())
                        .tag("stage", stage)
                        .description("secpipe-stage " + counter + "-total, summed over the stage's tasks")
                        .register(registry);
            }
        }
    }

    @Override
    public void close() throws Exception {
        gc.close();
        streamsBinder.close();
        registry.close();
    }
}
