package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.streams.anomaly.AnomalyTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * A delivery as AWS makes it (30 interfaces, 10-minute aggregation, each interface's capture windows at its own
 * offset, lines shuffled within each delivery, deliveries up to 10 minutes late) through the whole chain: raw lines →
 * vpcflow.enriched → minute windows → the vpcflow-bytes anomaly series.
 */
class FlowDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-24T15:00:00Z");

    @Test
    void everyMinuteOfAShuffledDeliveryIsExactAndScoredOnce() throws Exception {
        List<List<FlowDeliveryGenerator.Line>> deliveries = new FlowDeliveryGenerator(16, 30, Duration.ofMinutes(10), Duration.ofMinutes(10))
                .deliveries(T0, Duration.ofHours(1), 3, 9);
        List<FlowDeliveryGenerator.Line> lines = deliveries.stream().flatMap(List::stream).toList();
        assertThat(lines.size()).isEqualTo(894);
        assertThat(deliveries.size()).isEqualTo(6);
        // the local stack's replay test sends the same lines (FlowDeliveryGenerator.main wrote them)
        assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of("../ops/src/test/resources/e2e/vpcflow-delivery.log")))
                .isEqualTo(lines.stream().map(FlowDeliveryGenerator.Line::text).toList());

        Properties props = new Properties();
        props.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.setProperty("vpcflow.minute.idle.close", "PT1M"); // whole deliveries replayed, as on the local stack
        props.setProperty("anomaly.detectors", "vpcflow-bytes");
        props.setProperty("anomaly.vpcflow-bytes.trees", "10");
        props.setProperty("anomaly.vpcflow-bytes.sample.size", "32");
        StreamsBuilder builder = new StreamsBuilder();
        FlowLogTopology.addTo(builder, FlowLogTopology.Config.from(props));
        VpcFlowAnalytics.addTo(builder, props);
        AnomalyTopology.addTo(builder, AnomalyTopology.Config.from(props));
        Instant wall = T0.plus(Duration.ofHours(1));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(props), props, wall)) {
            TestInputTopic<String, String> raw = driver.createInputTopic("raw.vpcflow", Serdes.String().serializer(), Serdes.String().serializer());
            TestOutputTopic<String, String> minute = driver.createOutputTopic("vpcflow.minute", Serdes.String().deserializer(), Serdes.String().deserializer());
            TestOutputTopic<String, String> series = driver.createOutputTopic("vpcflow.minute.series", Serdes.String().deserializer(), Serdes.String().deserializer());
            TestOutputTopic<String, String> anomalies = driver.createOutputTopic("anomalies", Serdes.String().deserializer(), Serdes.String().deserializer());
            TestOutputTopic<String, String> deadAnomalies = driver.createOutputTopic("dlq.anomalies", Serdes.String().deserializer(), Serdes.String().deserializer());
            TestOutputTopic<String, String> late = driver.createOutputTopic("late.vpcflow", Serdes.String().deserializer(), Serdes.String().deserializer());

            // deliveries come in order; the wall clock moves a few seconds per delivery, less than the idle close
            int peakWindows = 0;
            for (List<FlowDeliveryGenerator.Line> delivery : deliveries) {
                delivery.forEach(l -> raw.pipeInput(l.key(), l.text(), l.delivered()));
                peakWindows = Math.max(peakWindows, count(driver.getKeyValueStore(FlowMinuteTopology.WINDOWS_STORE)));
                driver.advanceWallClockTime(Duration.ofSeconds(5));
            }
            List<KeyValue<String, String>> beforeIdle = minute.readKeyValuesToList();
            driver.advanceWallClockTime(Duration.ofMinutes(2)); // the end of the data: every interface goes quiet
            List<KeyValue<String, String>> written = new ArrayList<>(beforeIdle);
            written.addAll(minute.readKeyValuesToList());

            // every minute document (the last one written per id) equals the sums recomputed from the lines
            Map<String, JsonNode> last = new TreeMap<>();
            written.forEach(kv -> last.put(kv.key, tree(kv.value)));
            Map<String, long[]> actual = new TreeMap<>();
            last.values().forEach(d -> actual.put(d.path("interface_id").asText() + "|" + d.path("action").asText() + "|"
                    + d.path("dstport").asText() + "|" + d.path("protocol").asText() + "|" + d.path("@timestamp").asText(),
                    new long[] {d.path("flows").asLong(), d.path("bytes").asLong(), d.path("packets").asLong()}));
            Map<String, long[]> expected = FlowDeliveryGenerator.minuteSums(lines);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
            expected.forEach((key, sums) -> assertThat(actual.get(key)).as(key).containsExactly(sums));
            assertThat(late.isEmpty()).isTrue();
            assertThat(lateRecords(driver)).isZero();
            // each document written once: no window was emitted before it was complete
            assertThat(written.size()).isEqualTo(expected.size());

            // the series: every interface-minute once, with the whole minute's bytes, in order per interface
            Map<String, Long> bytesPerMinute = new TreeMap<>();
            expected.forEach((key, sums) -> bytesPerMinute.merge(key.substring(0, key.indexOf('|')) + "@"
                    + key.substring(key.lastIndexOf('|') + 1), sums[1], Long::sum));
            List<KeyValue<String, String>> points = series.readKeyValuesToList();
            Map<String, Long> got = new TreeMap<>();
            Map<String, String> lastPerSeries = new HashMap<>();
            for (KeyValue<String, String> p : points) {
                String at = tree(p.value).path("@timestamp").asText();
                assertThat(got.put(p.key + "@" + at, tree(p.value).path("bytes").asLong())).as("once: " + p.key + "@" + at).isNull();
                String before = lastPerSeries.put(p.key, at);
                assertThat(before == null || before.compareTo(at) < 0).as("in order: " + p.key + " " + before + " then " + at).isTrue();
            }
            assertThat(got).isEqualTo(bytesPerMinute);
            // scored: one anomaly document per point, and no dead letter for being out of time order
            assertThat(deadAnomalies.readValuesToList()).isEmpty();
            assertThat(anomalies.readKeyValuesToList().size()).isEqualTo(points.size());

            // what this design writes, against emitting on every update (one document version per flow)
            System.out.printf("delivery: %d flows, %d windows x dimensions, %d minute documents written (%d before the idle close), "
                            + "%d series points, at most %d open windows in the store%n",
                    lines.size(), expected.size(), written.size(), beforeIdle.size(), points.size(), peakWindows);
        }
    }

    private static int count(KeyValueStore<String, ?> store) {
        int n = 0;
        try (KeyValueIterator<String, ?> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static double lateRecords(TopologyTestDriver driver) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("late-record-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }
}
