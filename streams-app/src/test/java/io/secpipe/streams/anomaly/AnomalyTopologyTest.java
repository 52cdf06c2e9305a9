package io.secpipe.streams.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** raw.sensor, vpcflow.minute, ossec.minute → anomalies: per-series forests in event time, their state in the store. */
class AnomalyTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final String APP = "anomaly-test";

    @TempDir
    Path stateDir;

    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    private TopologyTestDriver start(Properties settings) {
        StreamsBuilder builder = new StreamsBuilder();
        AnomalyTopology.addTo(builder, AnomalyTopology.Config.from(settings));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("driver-" + drivers.size()).toString());
        TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props);
        drivers.add(driver);
        return driver;
    }

    @AfterEach
    void stop() {
        drivers.forEach(TopologyTestDriver::close);
    }

    private static Properties settings(String... keyValues) {
        Properties props = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    private static TestInputTopic<String, String> input(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, Serdes.String().serializer(), Serdes.String().serializer());
    }

    private static TestOutputTopic<String, String> anomalies(TopologyTestDriver driver) {
        return driver.createOutputTopic("anomalies", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    private static String sensor(String id, double value, Instant at) {
        return "{\"sensor_id\":\"" + id + "\",\"value\":" + value + ",\"timestamp\":\"" + at + "\"}";
    }

    private static double metric(TopologyTestDriver driver, String name, String stage) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .filter(e -> String.valueOf(e.getKey().tags().get("secpipe-stage-id")).startsWith(stage + "-"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    @Test
    void theSensorDemoFindsTheInjectedReadingsWithFewFalseAlarms() {
        TopologyTestDriver driver = start(settings("anomaly.detectors", "sensor"));
        TestInputTopic<String, String> raw = input(driver, "raw.sensor");
        TestOutputTopic<String, String> out = anomalies(driver);
        List<SensorGenerator.Reading> readings = new SensorGenerator(7, List.of("sensor-1"), T0, Duration.ofSeconds(1))
                .readings(3000).toList();
        readings.forEach(r -> raw.pipeInput(r.sensorId(), r.json()));
        List<JsonNode> docs = out.readValuesToList().stream().map(AnomalyTopologyTest::tree).toList();
        assertThat(docs).hasSize(readings.size());

        // the forest first needs a sample's worth of points: judge it after the first 256
        int injected = 0;
        int found = 0;
        int normal = 0;
        int falseAlarms = 0;
        for (int i = 256; i < readings.size(); i++) {
            boolean flagged = docs.get(i).get("anomaly").asBoolean();
            assertThat(docs.get(i).get("value").asDouble()).isEqualTo(readings.get(i).value());
            if (readings.get(i).injected()) {
                injected++;
                found += flagged ? 1 : 0;
            } else {
                normal++;
                falseAlarms += flagged ? 1 : 0;
            }
        }
        System.out.printf("sensor demo: %d of %d injected readings found, %d false alarms in %d normal readings%n",
                found, injected, falseAlarms, normal);
        assertThat(injected).isGreaterThan(20);
        assertThat((double) found / injected).isGreaterThanOrEqualTo(0.95);
        assertThat((double) falseAlarms / normal).isLessThanOrEqualTo(0.01);
    }

    @Test
    void aDocumentCarriesTheSeriesItsValuesAndItsVerdict() {
        // the forest names expected values only for points of more than one dimension: a shingle of 4 here
        TopologyTestDriver driver = start(settings("anomaly.detectors", "sensor", "anomaly.sensor.shingle.size", "4"));
        TestInputTopic<String, String> raw = input(driver, "raw.sensor");
        TestOutputTopic<String, String> out = anomalies(driver);
        for (int i = 0; i < 300; i++) {
            raw.pipeInput("s", sensor("s-1", 10 + (i % 7), T0.plusSeconds(i)));
        }
        raw.pipeInput("s", sensor("s-1", 110, T0.plusSeconds(300)));
        List<TestRecord<String, String>> records = out.readRecordsToList();
        assertThat(records).hasSize(301);
        TestRecord<String, String> spike = records.get(300);
        String id = "sensor|s-1@2026-11-01T10:05:00Z";
        assertThat(spike.key()).isEqualTo(id);
        assertThat(spike.timestamp()).isEqualTo(T0.plusSeconds(300).toEpochMilli());
        assertThat(new String(spike.headers().lastHeader(SecpipeHeaders.ID).value(), StandardCharsets.UTF_8)).isEqualTo(id);
        JsonNode doc = tree(spike.value());
        assertThat(doc.fieldNames()).toIterable().containsExactly("@timestamp", "detector", "key", "fields", "values", "value",
                "score", "grade", "anomaly", "anomaly_start", "expected_values", "attribution");
        assertThat(doc.get("@timestamp").asText()).isEqualTo("2026-11-01T10:05:00Z");
        assertThat(doc.get("detector").asText()).isEqualTo("sensor");
        assertThat(doc.get("key").asText()).isEqualTo("s-1");
        assertThat(doc.get("fields").toString()).isEqualTo("[\"value\"]");
        assertThat(doc.get("values").toString()).isEqualTo("[110.0]");
        assertThat(doc.get("value").asDouble()).isEqualTo(110.0);
        assertThat(doc.get("anomaly").asBoolean()).isTrue();
        assertThat(doc.get("anomaly_start").asBoolean()).isTrue();
        assertThat(doc.get("grade").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);
        assertThat(doc.get("score").asDouble()).isGreaterThan(1);
        assertThat(doc.get("expected_values")).hasSize(1);
        assertThat(doc.get("expected_values").get(0).asDouble()).isBetween(10.0, 16.01);
        assertThat(doc.get("attribution").fieldNames()).toIterable().containsExactly("value");
        // an ordinary point: no expected values, no attribution
        JsonNode ordinary = tree(records.get(299).value());
        assertThat(ordinary.get("anomaly").asBoolean()).isFalse();
        assertThat(ordinary.has("expected_values")).isFalse();
        assertThat(ordinary.has("attribution")).isFalse();
        assertThat(ordinary.has("ANOMALY_SCORE")).isFalse();
    }

    @Test
    void kinesisModeAddsTheRcfScoreAsAnomalyScore() {
        TopologyTestDriver driver = start(settings("anomaly.detectors", "sensor", "anomaly.sensor.kinesis", "true"));
        TestInputTopic<String, String> raw = input(driver, "raw.sensor");
        new SensorGenerator(3, List.of("s-1"), T0, Duration.ofSeconds(1)).readings(400)
                .forEach(r -> raw.pipeInput(r.sensorId(), r.json()));
        List<JsonNode> docs = anomalies(driver).readValuesToList().stream().map(AnomalyTopologyTest::tree).toList();
        assertThat(docs).hasSize(400);
        assertThat(docs).allSatisfy(d -> assertThat(d.get("ANOMALY_SCORE").asDouble()).isEqualTo(d.get("score").asDouble()));
        assertThat(docs.get(399).get("ANOMALY_SCORE").asDouble()).isGreaterThan(0);
        // one-dimensional points: the forest gives no expected values, only the attribution
        assertThat(docs).filteredOn(d -> d.get("anomaly").asBoolean()).isNotEmpty()
                .allSatisfy(d -> assertThat(d.has("expected_values")).isFalse())
                .allSatisfy(d -> assertThat(d.get("attribution").fieldNames()).toIterable().containsExactly("value"));
        AnomalyTopology.Config config = AnomalyTopology.Config.from(settings("anomaly.detectors", "sensor", "anomaly.sensor.kinesis", "true"));
        assertThat(config.series().get(0).forest()).isEqualTo(ForestSettings.kinesis(1, 42));
        assertThat(config.series().get(0).forest()).extracting(ForestSettings::trees, ForestSettings::sampleSize,
                ForestSettings::timeDecay, ForestSettings::shingleSize).containsExactly(100, 256, 100_000.0, 1);
    }

    /** The same readings through one driver, and through one stopped halfway whose successor restores the store. */
    @Test
    void aRestartedAppScoresExactlyAsOneThatNeverStopped() {
        List<String> readings = new SensorGenerator(11, List.of("s-1", "s-2"), T0, Duration.ofSeconds(1)).readings(300)
                .map(SensorGenerator.Reading::json).toList();
        List<String> flows = new ArrayList<>();
        for (int minute = 0; minute < 150; minute++) {
            for (String eni : List.of("eni-1", "eni-2")) {
                long bytes = 1000 + (minute * 37L + eni.hashCode()) % 500 + (minute == 120 ? 90_000 : 0);
                flows.add(eni + " " + seriesMinute(eni, minute, bytes + bytes / 10));
            }
        }
        Properties settings = settings("anomaly.detectors", "sensor,vpcflow-bytes", "anomaly.sensor.trees", "20",
                "anomaly.vpcflow-bytes.trees", "20");

        TopologyTestDriver whole = start(settings);
        feed(whole, readings, flows, 0, readings.size(), 0, flows.size());
        List<KeyValue<String, String>> expected = anomalies(whole).readKeyValuesToList();
        assertThat(expected).hasSize(600 + 150 * 2); // every series point is a closed minute: each scored as it comes

        TopologyTestDriver first = start(settings);
        feed(first, readings, flows, 0, 301, 0, 151); // halfway, between the two interfaces' points of a minute
        List<KeyValue<String, String>> before = anomalies(first).readKeyValuesToList();
        List<KeyValue<String, byte[]>> sensorLog = changelog(first, "sensor");
        List<KeyValue<String, byte[]>> flowLog = changelog(first, "vpcflow-bytes");
        first.close();
        drivers.remove(first);

        TopologyTestDriver second = start(settings);
        restore(second, "sensor", sensorLog);
        restore(second, "vpcflow-bytes", flowLog);
        feed(second, readings, flows, 301, readings.size(), 151, flows.size());
        List<KeyValue<String, String>> after = anomalies(second).readKeyValuesToList();

        List<KeyValue<String, String>> restarted = new ArrayList<>(before);
        restarted.addAll(after);
        assertThat(sorted(restarted)).isEqualTo(sorted(expected));
        assertThat(expected.stream().filter(kv -> tree(kv.value).get("anomaly").asBoolean()).map(kv -> kv.key))
                .contains("vpcflow-bytes|eni-1@2026-11-01T12:00:00Z", "vpcflow-bytes|eni-2@2026-11-01T12:00:00Z");
    }

    private static List<String> sorted(List<KeyValue<String, String>> records) {
        // the two topics interleave differently when fed in two goes; each series' own order is what counts
        return records.stream().map(kv -> kv.key + " " + kv.value).sorted().toList();
    }

    private static void feed(TopologyTestDriver driver, List<String> readings, List<String> flows,
                             int readingsFrom, int readingsTo, int flowsFrom, int flowsTo) {
        TestInputTopic<String, String> raw = input(driver, "raw.sensor");
        TestInputTopic<String, String> minute = input(driver, "vpcflow.minute.series");
        readings.subList(readingsFrom, readingsTo).forEach(r -> raw.pipeInput("k", r));
        flows.subList(flowsFrom, flowsTo).forEach(f -> minute.pipeInput(f.substring(0, f.indexOf(' ')), f.substring(f.indexOf(' ') + 1)));
    }

    /** What the changelog holds at the end: the last value per key (null: deleted). */
    private static List<KeyValue<String, byte[]>> changelog(TopologyTestDriver driver, String detector) {
        return driver.createOutputTopic(APP + "-" + AnomalyTopology.storeName(detector) + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readKeyValuesToList();
    }

    /** As Kafka Streams restores a store: the changelog's records, in order, into the empty store. */
    private static void restore(TopologyTestDriver driver, String detector, List<KeyValue<String, byte[]>> changelog) {
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(AnomalyTopology.storeName(detector));
        assertThat(changelog).isNotEmpty();
        changelog.forEach(kv -> {
            if (kv.value == null) {
                store.delete(kv.key);
            } else {
                store.put(kv.key, kv.value);
            }
        });
    }

    /** A record of vpcflow.minute.series: one interface's closed minute, every action and port summed. */
    private static String seriesMinute(String eni, int minute, long bytes) {
        return "{\"@timestamp\":\"" + T0.plusSeconds(60L * minute) + "\",\"window_end\":\"" + T0.plusSeconds(60L * minute + 60)
                + "\",\"interface_id\":\"" + eni + "\",\"flows\":3,\"bytes\":" + bytes + ",\"packets\":9}";
    }

    @Test
    void flowMinutesAreScoredAsTheyComeOnePointPerInterfaceMinute() {
        TopologyTestDriver driver = start(settings("anomaly.detectors", "vpcflow-bytes"));
        TestInputTopic<String, String> minute = input(driver, "vpcflow.minute.series");
        TestOutputTopic<String, String> out = anomalies(driver);
        minute.pipeInput("eni-1", seriesMinute("eni-1", 0, 150));
        minute.pipeInput("eni-2", seriesMinute("eni-2", 0, 7));
        minute.pipeInput("eni-1", seriesMinute("eni-1", 1, 10));
        List<KeyValue<String, String>> docs = out.readKeyValuesToList();
        assertThat(docs).extracting(kv -> kv.key).containsExactly("vpcflow-bytes|eni-1@2026-11-01T10:00:00Z",
                "vpcflow-bytes|eni-2@2026-11-01T10:00:00Z", "vpcflow-bytes|eni-1@2026-11-01T10:01:00Z");
        assertThat(tree(docs.get(0).value).get("values").toString()).isEqualTo("[150.0]");
        assertThat(tree(docs.get(0).value).get("fields").toString()).isEqualTo("[\"bytes\"]");
        assertThat(tree(docs.get(0).value).get("key").asText()).isEqualTo("eni-1");
    }

    @Test
    void ossecMinutesKeepTheLastCountPerRuleAndSkipLevels() {
        TopologyTestDriver driver = start(settings("anomaly.detectors", "ossec-alerts"));
        TestInputTopic<String, String> minute = input(driver, "ossec.minute");
        TestOutputTopic<String, String> out = anomalies(driver);
        for (int count = 1; count <= 3; count++) {
            minute.pipeInput("rule:5501", ossecMinute(0, "rule", count));
            minute.pipeInput("level:3", ossecMinute(0, "level", count));
        }
        minute.pipeInput("rule:5501", ossecMinute(1, "rule", 1));
        minute.pipeInput("level:3", ossecMinute(1, "level", 1));
        List<KeyValue<String, String>> docs = out.readKeyValuesToList();
        assertThat(docs).extracting(kv -> kv.key).containsExactly("ossec-alerts|rule:5501@2026-11-01T10:00:00Z");
        assertThat(tree(docs.get(0).value).get("values").toString()).isEqualTo("[3.0]");
        assertThat(driver.getKeyValueStore(AnomalyTopology.storeName("ossec-alerts")).get("s|level:3")).isNull();
    }

    private static String ossecMinute(int minute, String dimension, int count) {
        return "{\"@timestamp\":\"" + T0.plusSeconds(60L * minute) + "\",\"window_end\":\"" + T0.plusSeconds(60L * minute + 60)
                + "\",\"dimension\":\"" + dimension + "\",\"rule\":{\"level\":3,\"sidid\":5501},\"count\":" + count + "}";
    }

    @Test
    void beyondTheCardinalityLimitTheLeastRecentlyUpdatedSeriesIsEvicted() {
        TopologyTestDriver driver = start(settings("anomaly.detectors", "sensor", "anomaly.sensor.max.series", "2",
                "anomaly.sensor.cache.size", "1"));
        TestInputTopic<String, String> raw = input(driver, "raw.sensor");
        raw.pipeInput("k", sensor("a", 10, T0));
        raw.pipeInput("k", sensor("b", 10, T0));
        raw.pipeInput("k", sensor("a", 11, T0.plusSeconds(1)));
        raw.pipeInput("k", sensor("c", 10, T0.plusSeconds(1)));   // b is the least recently updated: evicted
        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(AnomalyTopology.storeName("sensor"));
        assertThat(seriesIn(store)).containsExactly("s|a", "s|c");
        assertThat(metric(driver, "evicted-series-total", "anomaly-sensor")).isEqualTo(1.0);

        // b comes back as a new series, even with an earlier time than its evicted forest had seen; a goes
        raw.pipeInput("k", sensor("b", 12, T0));
        assertThat(seriesIn(store)).containsExactly("s|b", "s|c");
        assertThat(metric(driver, "evicted-series-total", "anomaly-sensor")).isEqualTo(2.0);
        assertThat(anomalies(driver).readValuesToList()).hasSize(5);
        assertThat(driver.createOutputTopic("dlq.anomalies", Serdes.String().deserializer(), Serdes.String().deserializer())
                .isEmpty()).isTrue();
    }

    private static List<String> seriesIn(KeyValueStore<String, byte[]> store) {
        try (var all = store.all()) {
            return StreamSupport.stream(((Iterable<KeyValue<String, byte[]>>) () -> all).spliterator(), false)
                    .map(kv -> kv.key).filter(k -> k.startsWith("s|")).sorted().toList();
        }
    }

    @Test
    void recordsThatAreNoPointGoRawToTheDeadLetterTopicWithTheReason() {
        TopologyTestDriver driver = start(settings("anomaly.detectors", "sensor"));
        TestInputTopic<String, String> raw = input(driver, "raw.sensor");
        raw.pipeInput("k", sensor("s-1", 10, T0.plusSeconds(10)));
        List<String> bad = List.of(
                "not json",
                "[1,2]",
                "{\"value\":10,\"timestamp\":\"2026-11-01T10:00:20Z\"}",
                "{\"sensor_id\":\"s-1\",\"value\":\"ten\",\"timestamp\":\"2026-11-01T10:00:20Z\"}",
                "{\"sensor_id\":\"s-1\",\"value\":10,\"timestamp\":\"yesterday\"}",
                "{\"sensor_id\":\"s-1\",\"value\":10,\"timestamp\":true}",
                sensor("s-1", 10, T0.plusSeconds(5)));
        bad.forEach(v -> raw.pipeInput("k", v));
        raw.pipeInput("k", sensor("s-1", 11, T0.plusSeconds(10))); // the same time again is in order

        List<TestRecord<String, String>> dead = driver.createOutputTopic("dlq.anomalies", Serdes.String().deserializer(),
                Serdes.String().deserializer()).readRecordsToList();
        assertThat(dead).extracting(TestRecord::value).containsExactlyElementsOf(bad);
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.ERROR_MESSAGE)).containsExactly(
                "not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                "not a JSON object",
                "key field sensor_id is missing",
                "field value is not a finite number: \"ten\"",
                "timestamp field timestamp is not ISO-8601: yesterday",
                "timestamp field timestamp is neither ISO-8601 text nor epoch milliseconds: true",
                "out of time order: series s-1 is at 2026-11-01T10:00:10Z, this point is at 2026-11-01T10:00:05Z");
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.ERROR_STAGE)).containsOnly("anomaly-sensor");
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.ERROR_CLASS)).containsOnly(BadPointException.class.getName());
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.SOURCE))
                .containsExactly("kafka:raw.sensor/0#1", "kafka:raw.sensor/0#2", "kafka:raw.sensor/0#3", "kafka:raw.sensor/0#4",
                        "kafka:raw.sensor/0#5", "kafka:raw.sensor/0#6", "kafka:raw.sensor/0#7");
        assertThat(metric(driver, "dead-letter-total", "anomaly-sensor")).isEqualTo(7.0);
        assertThat(anomalies(driver).readValuesToList()).hasSize(2);
    }

    /**
     * The seed's readings, {"iotName": ..., "iotValue": ...} as its generator writes them (600 of them in
     * anomaly/seed-iot-records.jsonl: DemoSensor, 10-20, 1% of 100-120), carry no time: Kinesis used ROWTIME. They
     * take the Kafka record's time, the documents say so, and they score exactly as the same readings with a time
     * field do. In Kinesis mode the documents keep the seed's output columns: iotName, iotValue, ANOMALY_SCORE, created.
     */
    @Test
    void theSeedsReadingsWithoutATimeFieldScoreByTheRecordTimeWithTheSeedsColumns() throws Exception {
        List<String> seed;
        try (var in = getClass().getResourceAsStream("/anomaly/seed-iot-records.jsonl")) {
            seed = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        Properties settings = settings("anomaly.detectors", "sensor", "anomaly.sensor.kinesis", "true",
                "anomaly.sensor.key.fields", "iotName", "anomaly.sensor.value.fields", "iotValue");
        TopologyTestDriver driver = start(settings);
        TestInputTopic<String, String> raw = input(driver, "raw.sensor");
        for (int i = 0; i < seed.size(); i++) {
            raw.pipeInput("DemoSensor", seed.get(i), T0.plusSeconds(i));
        }
        List<JsonNode> docs = anomalies(driver).readValuesToList().stream().map(AnomalyTopologyTest::tree).toList();
        assertThat(driver.createOutputTopic("dlq.anomalies", Serdes.String().deserializer(), Serdes.String().deserializer())
                .isEmpty()).isTrue();
        assertThat(docs).hasSize(600);

        JsonNode first = docs.get(0);
        assertThat(first.fieldNames()).toIterable().containsExactly("@timestamp", "detector", "key", "fields", "values", "value",
                "score", "grade", "anomaly", "anomaly_start", "event", "iotName", "iotValue", "ANOMALY_SCORE", "created");
        assertThat(first.get("event").toString()).isEqualTo("{\"time_source\":\"record\"}");
        assertThat(first.get("iotName").asText()).isEqualTo("DemoSensor");
        assertThat(first.get("iotValue").isIntegralNumber()).isTrue();
        for (int i = 0; i < docs.size(); i++) {
            JsonNode doc = docs.get(i);
            JsonNode reading = tree(seed.get(i));
            assertThat(doc.get("@timestamp").asText()).isEqualTo(T0.plusSeconds(i).toString());
            assertThat(doc.get("created").asText()).isEqualTo(T0.plusSeconds(i).toString());
            assertThat(doc.get("key").asText()).isEqualTo("DemoSensor");
            assertThat(doc.get("iotValue").asLong()).isEqualTo(reading.get("iotValue").asLong());
            assertThat(doc.get("ANOMALY_SCORE").asDouble()).isEqualTo(doc.get("score").asDouble());
        }
        // the seed: "Higher (anomaly) temperature ranges have a higher score"; past the first sample of 256
        List<Integer> spikes = List.of(442, 554);
        for (int i = 256; i < docs.size(); i++) {
            assertThat(docs.get(i).get("iotValue").asInt() >= 100).isEqualTo(spikes.contains(i));
        }
        double highestOrdinary = java.util.stream.IntStream.range(256, docs.size()).filter(i -> !spikes.contains(i))
                .mapToDouble(i -> docs.get(i).get("ANOMALY_SCORE").asDouble()).max().orElseThrow();
        assertThat(spikes).allSatisfy(i -> assertThat(docs.get(i).get("ANOMALY_SCORE").asDouble()).isGreaterThan(highestOrdinary));

        // the same readings with a time field: the same scores, and no event.time_source
        TopologyTestDriver timed = start(settings);
        TestInputTopic<String, String> timedRaw = input(timed, "raw.sensor");
        for (int i = 0; i < seed.size(); i++) {
            timedRaw.pipeInput("DemoSensor", seed.get(i).replace("}", ", \"timestamp\": \"" + T0.plusSeconds(i) + "\"}"),
                    Instant.parse("2030-01-01T00:00:00Z"));
        }
        List<JsonNode> timedDocs = anomalies(timed).readValuesToList().stream().map(AnomalyTopologyTest::tree).toList();
        assertThat(timedDocs).hasSize(600).allSatisfy(d -> assertThat(d.has("event")).isFalse());
        assertThat(timedDocs.stream().map(d -> d.get("score").asDouble()).toList())
                .isEqualTo(docs.stream().map(d -> d.get("score").asDouble()).toList());
        assertThat(timedDocs.stream().map(d -> d.get("@timestamp").asText()).toList())
                .isEqualTo(docs.stream().map(d -> d.get("@timestamp").asText()).toList());
    }

    private static String header(TestRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
