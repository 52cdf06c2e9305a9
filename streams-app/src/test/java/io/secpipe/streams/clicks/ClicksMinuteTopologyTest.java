package io.secpipe.streams.clicks;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** raw.clicks + ref.users → clicks.minute: the join, unknown users, event time, final results, late and bad records. */
class ClicksMinuteTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    /** An append time far from every event time: it must not matter where an event carries its own. */
    private static final Instant APPENDED = Instant.parse("2030-01-01T00:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> clicks;
    private TestInputTopic<String, String> users;
    private TestOutputTopic<String, String> minute;
    private TestOutputTopic<String, String> deadLetters;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.setProperty("clicks.minute.grace", "PT30S");
        props.setProperty("application.id", "secpipe-streams");
        StreamsBuilder builder = new StreamsBuilder();
        ClicksMinuteTopology.addTo(builder, ClicksMinuteTopology.Config.from(props));
        driver = new TopologyTestDriver(builder.build(), props);
        clicks = driver.createInputTopic("raw.clicks", Serdes.String().serializer(), Serdes.String().serializer());
        users = driver.createInputTopic("ref.users", Serdes.String().serializer(), Serdes.String().serializer());
        minute = driver.createOutputTopic("clicks.minute", Serdes.String().deserializer(), Serdes.String().deserializer());
        deadLetters = driver.createOutputTopic("dlq.clicks", Serdes.String().deserializer(), Serdes.String().deserializer());
        // as the csv framing writes ref.users rows: every column a string, keyed by user_id
        user("u-1", "{\"user_id\":\"u-1\",\"gender\":\"f\",\"segment_id\":\"s-1\"}");
        user("u-2", "{\"user_id\":\"u-2\",\"gender\":\"m\",\"segment_id\":\"s-2\"}");
        user("u-3", "{\"user_id\":\"u-3\",\"gender\":\"\",\"segment_id\":\"s-1\"}");
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void user(String id, String row) {
        users.pipeInput(id, row);
    }

    private void event(long seconds, String user, String article, String action) {
        clicks.pipeInput(user, "{\"article_id\":\"" + article + "\",\"user_id\":\"" + user + "\",\"action\":\"" + action
                + "\",\"timestamp\":\"" + T0.plusSeconds(seconds) + "\"}", APPENDED);
    }

    /** Key → "impressions clicks ctr" of every closed window, in key order. */
    private Map<String, String> closed() {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue<String, String> kv : minute.readKeyValuesToList()) {
            out.put(kv.key, kv.value.replaceAll(".*\"impressions\":(\\d+),\"clicks\":(\\d+)(,\"ctr\":([0-9.E-]+))?}", "$1 $2 $4").trim());
        }
        return out;
    }

    @Test
    void countsImpressionsAndClicksPerGenderSegmentAndArticleOnlyWhenTheWindowCloses() {
        event(1, "u-1", "a-1", "impression");
        event(2, "u-1", "a-1", "click");
        event(3, "u-2", "a-1", "impression");
        event(4, "u-2", "a-1", "impression");
        event(5, "u-1", "a-2", "impression");
        event(59, "u-1", "a-1", "impression");
        event(61, "u-1", "a-1", "impression");        // the next minute
        event(80, "u-2", "a-1", "click");             // stream time 10:01:20 < 10:01:00 + 30 s: 10:00 still open
        assertThat(minute.isEmpty()).isTrue();

        event(95, "u-2", "a-2", "impression");        // 10:01:35: the 10:00 window closes
        List<KeyValue<String, String>> out = minute.readKeyValuesToList();
        assertThat(out).containsExactlyInAnyOrder(
                KeyValue.pair("[\"f\",\"s-1\",\"a-1\"]@2026-11-01T10:00:00Z", "{\"@timestamp\":\"2026-11-01T10:00:00Z\","
                        + "\"window_end\":\"2026-11-01T10:01:00Z\",\"gender\":\"f\",\"segment_id\":\"s-1\",\"article_id\":\"a-1\","
                        + "\"impressions\":2,\"clicks\":1,\"ctr\":0.5}"),
                KeyValue.pair("[\"m\",\"s-2\",\"a-1\"]@2026-11-01T10:00:00Z", "{\"@timestamp\":\"2026-11-01T10:00:00Z\","
                        + "\"window_end\":\"2026-11-01T10:01:00Z\",\"gender\":\"m\",\"segment_id\":\"s-2\",\"article_id\":\"a-1\","
                        + "\"impressions\":2,\"clicks\":0,\"ctr\":0.0}"),
                KeyValue.pair("[\"f\",\"s-1\",\"a-2\"]@2026-11-01T10:00:00Z", "{\"@timestamp\":\"2026-11-01T10:00:00Z\","
                        + "\"window_end\":\"2026-11-01T10:01:00Z\",\"gender\":\"f\",\"segment_id\":\"s-1\",\"article_id\":\"a-2\","
                        + "\"impressions\":1,\"clicks\":0,\"ctr\":0.0}"));

        event(200, "u-1", "a-1", "impression");       // 10:03:20 closes 10:01 and 10:02 (empty)
        assertThat(closed()).containsExactly(
                Map.entry("[\"f\",\"s-1\",\"a-1\"]@2026-11-01T10:01:00Z", "1 0 0.0"),
                Map.entry("[\"m\",\"s-2\",\"a-1\"]@2026-11-01T10:01:00Z", "0 1"),   // clicks without impressions: no ctr
                Map.entry("[\"m\",\"s-2\",\"a-2\"]@2026-11-01T10:01:00Z", "1 0 0.0"));
    }

    @Test
    void usersTheTableDoesNotKnowCountAsUnknownAndAreNeverDropped() {
        event(1, "u-404", "a-1", "impression");       // not in ref.users
        event(2, "u-3", "a-1", "click");              // in ref.users without a gender
        clicks.pipeInput("u-x", "{\"article_id\":\"a-1\",\"action\":\"impression\",\"timestamp\":\"" + T0.plusSeconds(3) + "\"}", APPENDED);
        user("u-404", "not json");                    // unreadable row: no attributes
        event(4, "u-404", "a-1", "impression");
        event(100, "u-1", "a-9", "impression");
        assertThat(closed()).containsExactly(
                Map.entry("[\"unknown\",\"s-1\",\"a-1\"]@2026-11-01T10:00:00Z", "0 1"),
                Map.entry("[\"unknown\",\"unknown\",\"a-1\"]@2026-11-01T10:00:00Z", "3 0 0.0"));
    }

    @Test
    void aUserRowThatArrivesLaterAttributesTheEventsAfterIt() {
        event(1, "u-7", "a-1", "impression");
        user("u-7", "{\"user_id\":\"u-7\",\"gender\":\"f\",\"segment_id\":\"s-3\"}");
        event(2, "u-7", "a-1", "impression");
        user("u-1", "{\"user_id\":\"u-1\",\"gender\":\"f\",\"segment_id\":\"s-3\"}");  // moved segment
        event(3, "u-1", "a-1", "click");
        event(100, "u-1", "a-9", "impression");
        assertThat(closed()).containsExactly(
                Map.entry("[\"f\",\"s-3\",\"a-1\"]@2026-11-01T10:00:00Z", "1 1 1.0"),
                Map.entry("[\"unknown\",\"unknown\",\"a-1\"]@2026-11-01T10:00:00Z", "1 0 0.0"));
    }

    @Test
    void outOfOrderEventsWithinTheGraceCountAndLateOnesAreCountedAndDropped() {
        event(70, "u-1", "a-1", "impression");        // 10:01:10
        event(40, "u-1", "a-1", "click");             // out of order: 10:00 closes only at 10:01:30
        event(95, "u-1", "a-1", "impression");        // 10:01:35: 10:00 closes
        assertThat(closed()).containsExactly(Map.entry("[\"f\",\"s-1\",\"a-1\"]@2026-11-01T10:00:00Z", "0 1"));

        event(10, "u-1", "a-1", "impression");        // late: its window closed
        event(20, "u-2", "a-3", "click");             // late, and a key never seen
        assertThat(metric("late-record-total")).isEqualTo(2.0);
        event(200, "u-1", "a-1", "impression");
        assertThat(closed()).containsExactly(Map.entry("[\"f\",\"s-1\",\"a-1\"]@2026-11-01T10:01:00Z", "2 0 0.0"));
    }

    /**
     * The test driver has one partition per topic, so the second partition of raw.clicks is played by its partial,
     * sent as that partition's task would send it: the document is updated with the exact sum, and a partial sent
     * again (a task that crashed before its commit) replaces its earlier self instead of adding to it.
     */
    @Test
    void theMinuteOfEachPartitionIsFinalOnceAndTheDocumentIsTheSumOfThePartitions() {
        event(1, "u-1", "a-1", "impression");
        event(2, "u-1", "a-1", "click");
        event(100, "u-1", "a-9", "impression");       // this partition closes 10:00
        String key = "[\"f\",\"s-1\",\"a-1\"]@2026-11-01T10:00:00Z";
        assertThat(closed()).containsExactly(Map.entry(key, "1 1 1.0"));

        TestInputTopic<String, ClicksMinuteTopology.Partial> partials = driver.createInputTopic(
                "secpipe-streams-clicks-minute-by-window-repartition", Serdes.String().serializer(),
                ClicksMinuteTopology.partialSerde().serializer());
        partials.pipeInput(key, new ClicksMinuteTopology.Partial(1, new ClicksMinuteTopology.Tally(3, 1)));
        assertThat(closed()).containsExactly(Map.entry(key, "4 2 0.5"));
        partials.pipeInput(key, new ClicksMinuteTopology.Partial(1, new ClicksMinuteTopology.Tally(3, 1)));
        assertThat(closed()).containsExactly(Map.entry(key, "4 2 0.5"));

        event(3, "u-1", "a-1", "click");              // late for this partition: counted, not added
        assertThat(metric("late-record-total")).isEqualTo(1.0);
        assertThat(minute.isEmpty()).isTrue();
    }

    @Test
    void theEventTimeIsTheTimestampFieldInIsoOrEpochMillisElseTheRecordTime() {
        clicks.pipeInput("u-1", "{\"article_id\":\"a-1\",\"user_id\":\"u-1\",\"action\":\"impression\",\"timestamp\":"
                + T0.plusSeconds(10).toEpochMilli() + "}", APPENDED);
        clicks.pipeInput("u-1", "{\"article_id\":\"a-1\",\"user_id\":\"u-1\",\"action\":\"CLICK\",\"timestamp\":\"2026-11-01T11:00:20+01:00\"}", APPENDED);
        clicks.pipeInput("u-1", "{\"article_id\":\"a-1\",\"user_id\":\"u-1\",\"action\":\"impression\"}", T0.plusSeconds(30));
        event(100, "u-1", "a-9", "impression");
        assertThat(closed()).containsExactly(Map.entry("[\"f\",\"s-1\",\"a-1\"]@2026-11-01T10:00:00Z", "2 1 0.5"));
    }

    @Test
    void unreadableEventsGoRawToTheDeadLetterTopicWithTheReasonAndTheRestIsCounted() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SecpipeHeaders.SOURCE, "file:/tmp/clicks.jsonl#2".getBytes(StandardCharsets.UTF_8));
        clicks.pipeInput(new TestRecord<>("u-1", "{\"article_id\":", headers, APPENDED));
        clicks.pipeInput("u-1", "{\"user_id\":\"u-1\",\"action\":\"click\"}", APPENDED);
        clicks.pipeInput("u-1", "{\"article_id\":\"a-1\",\"user_id\":\"u-1\",\"action\":\"click\",\"timestamp\":\"yesterday\"}", APPENDED);
        clicks.pipeInput("u-1", "{\"article_id\":\"a-1\",\"user_id\":\"u-1\",\"action\":\"click\",\"timestamp\":-5}", APPENDED);
        event(1, "u-1", "a-1", "click");
        event(100, "u-1", "a-9", "impression");

        List<TestRecord<String, String>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.ERROR_MESSAGE)).containsExactly(
                "not JSON: Unexpected end-of-input within/between Object entries",
                "no article_id",
                "timestamp 'yesterday' is not ISO-8601 with an offset",
                "event time 1969-12-31T23:59:59.995Z is outside 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z");
        assertThat(dead.get(0).value()).isEqualTo("{\"article_id\":");
        assertThat(header(dead.get(0), SecpipeHeaders.SOURCE)).isEqualTo("file:/tmp/clicks.jsonl#2");
        assertThat(header(dead.get(0), SecpipeHeaders.ERROR_STAGE)).isEqualTo("clicks-parse");
        assertThat(metric("dead-letter-total")).isEqualTo(4.0);
        assertThat(closed()).containsExactly(Map.entry("[\"f\",\"s-1\",\"a-1\"]@2026-11-01T10:00:00Z", "0 1"));
    }

    /**
     * The seed sums {@code CASE ACTION WHEN 'impression' THEN 1 ELSE 0 END} and the same for click, grouped by
     * gender, segment and article: an event of any other action still makes its group's row, with 0 and 0. With the
     * seed's own records ({"article_id": 12345, "user_id": 12345, "action": ...}) and reference row (101,female,1).
     */
    @Test
    void anUnknownActionCountsAsNeitherKeepsItsMinuteAndIsCounted() {
        user("101", "{\"user_id\":\"101\",\"gender\":\"female\",\"segment_id\":\"1\"}");
        String at = ",\"timestamp\":\"" + T0.plusSeconds(5) + "\"}";
        clicks.pipeInput("12345", "{\"article_id\": 12345, \"user_id\": 12345, \"action\": \"share\"" + at, APPENDED);
        clicks.pipeInput("101", "{\"article_id\": 12345, \"user_id\": 101, \"action\": \"share\"" + at, APPENDED);
        clicks.pipeInput("101", "{\"article_id\": 777, \"user_id\": 101, \"action\": \"click\"" + at, APPENDED);
        clicks.pipeInput("101", "{\"article_id\": 777, \"user_id\": 101" + at, APPENDED);             // no action at all
        clicks.pipeInput("101", "{\"article_id\": 777, \"user_id\": 101, \"action\": 7" + at, APPENDED);  // not a name
        event(100, "u-1", "a-9", "impression");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metric("unknown-action-total")).isEqualTo(4.0);
        assertThat(closed()).containsExactly(
                Map.entry("[\"female\",\"1\",\"12345\"]@2026-11-01T10:00:00Z", "0 0"),
                Map.entry("[\"female\",\"1\",\"777\"]@2026-11-01T10:00:00Z", "0 1"),
                Map.entry("[\"unknown\",\"unknown\",\"12345\"]@2026-11-01T10:00:00Z", "0 0"));
    }

    private static String header(TestRecord<String, String> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private double metric(String name) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }
}
