package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
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

/**
 * vpcflow.enriched → vpcflow.minute, vpcflow.minute.series, late.vpcflow: event time per resource, windows closed by
 * the resource's own time plus the horizon or by its quiet wall-clock time, late flows kept on their own topic.
 */
class FlowMinuteTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant WALL = Instant.parse("2030-01-01T00:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> enriched;
    private TestOutputTopic<String, String> minute;
    private TestOutputTopic<String, String> series;
    private TestOutputTopic<String, String> late;

    @BeforeEach
    void start() {
        Properties props = new Properties(); // horizon: the default PT20M; idle close PT1M, as the local stack sets it
        props.setProperty("vpcflow.minute.idle.close", "PT1M");
        start(props);
    }

    private void start(Properties props) {
        StreamsBuilder builder = new StreamsBuilder();
        FlowMinuteTopology.addTo(builder, FlowMinuteTopology.Config.from(props));
        driver = new TopologyTestDriver(builder.build(), new Properties(), WALL);
        enriched = driver.createInputTopic("vpcflow.enriched", Serdes.String().serializer(), Serdes.String().serializer());
        minute = driver.createOutputTopic("vpcflow.minute", Serdes.String().deserializer(), Serdes.String().deserializer());
        series = driver.createOutputTopic("vpcflow.minute.series", Serdes.String().deserializer(), Serdes.String().deserializer());
        late = driver.createOutputTopic("late.vpcflow", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    /** A flow at T0 + seconds; the record's own timestamp is an append time far later, which must not matter. */
    private void flow(long seconds, String eni, String action, int dstport, long bytes) {
        enriched.pipeInput(eni, doc(seconds, eni, action, dstport, bytes), WALL);
    }

    private static String doc(long seconds, String eni, String action, int dstport, long bytes) {
        return "{\"@timestamp\":\"" + T0.plusSeconds(seconds) + "\",\"interface_id\":\"" + eni + "\",\"dstport\":" + dstport
                + ",\"protocol\":6,\"packets\":2,\"bytes\":" + bytes + ",\"action\":\"" + action + "\",\"direction\":\"inbound\"}";
    }

    private static List<String> sums(List<KeyValue<String, String>> docs) {
        return docs.stream().map(kv -> kv.key + " " + kv.value.replaceAll(".*\"flows\":(\\d+),\"bytes\":(\\d+).*", "$1 $2")).toList();
    }

    @Test
    void sumsPerMinuteAndDimensionsAndEmitsWhenTheResourcesOwnTimePassesTheHorizon() {
        flow(5, "eni-1", "ACCEPT", 443, 100);
        flow(50, "eni-1", "ACCEPT", 443, 150);
        flow(20, "eni-1", "REJECT", 22, 60);
        flow(61, "eni-1", "ACCEPT", 443, 10);          // next minute
        enriched.pipeInput("eni-1", "{\"@timestamp\":\"" + T0.plusSeconds(30) + "\",\"interface_id\":\"eni-1\",\"log_status\":\"NODATA\"}");
        flow(3600, "eni-2", "ACCEPT", 80, 1);          // another interface an hour ahead closes nothing of eni-1's
        assertThat(minute.isEmpty()).isTrue();

        flow(60 * 21, "eni-1", "ACCEPT", 443, 1);      // 10:21: the 10:00 window's end + 20 min: it closes
        assertThat(minute.readKeyValuesToList()).containsExactlyInAnyOrder(
                KeyValue.pair("eni-1|ACCEPT|inbound|443|6|2026-11-01T10:00:00Z", "{\"@timestamp\":\"2026-11-01T10:00:00Z\","
                        + "\"window_end\":\"2026-11-01T10:01:00Z\",\"interface_id\":\"eni-1\",\"action\":\"ACCEPT\",\"direction\":\"inbound\","
                        + "\"dstport\":443,\"protocol\":6,\"protocol_name\":\"tcp\",\"flows\":2,\"bytes\":250,\"packets\":4}"),
                KeyValue.pair("eni-1|REJECT|inbound|22|6|2026-11-01T10:00:00Z", "{\"@timestamp\":\"2026-11-01T10:00:00Z\","
                        + "\"window_end\":\"2026-11-01T10:01:00Z\",\"interface_id\":\"eni-1\",\"action\":\"REJECT\",\"direction\":\"inbound\","
                        + "\"dstport\":22,\"protocol\":6,\"protocol_name\":\"tcp\",\"flows\":1,\"bytes\":60,\"packets\":2}"));
        // the series: the interface's whole minute, every action and port summed, once
        assertThat(series.readKeyValuesToList()).containsExactly(KeyValue.pair("eni-1", "{\"@timestamp\":\"2026-11-01T10:00:00Z\","
                + "\"window_end\":\"2026-11-01T10:01:00Z\",\"interface_id\":\"eni-1\",\"flows\":3,\"bytes\":310,\"packets\":6}"));
        assertThat(lateRecords()).isZero();
    }

    @Test
    void outOfOrderWithinTheHorizonCountsAndALaterFlowGoesToTheLateTopicWithItsReason() {
        flow(60 * 19, "eni-1", "ACCEPT", 443, 10);     // 10:19
        flow(40, "eni-1", "ACCEPT", 443, 20);           // 19 minutes behind its interface: still counts
        flow(60 * 21, "eni-1", "ACCEPT", 443, 30);      // 10:21: the 10:00 window closes
        assertThat(sums(minute.readKeyValuesToList())).containsExactly("eni-1|ACCEPT|inbound|443|6|2026-11-01T10:00:00Z 1 20");

        RecordHeaders headers = new RecordHeaders();
        headers.add(SecpipeHeaders.SOURCE, "file:/data/flows.log#7".getBytes(StandardCharsets.UTF_8));
        String lateDoc = doc(10, "eni-1", "ACCEPT", 443, 999);
        enriched.pipeInput(new TestRecord<>("eni-1", lateDoc, headers, WALL));
        List<TestRecord<String, String>> kept = late.readRecordsToList();
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).key()).isEqualTo("eni-1");
        assertThat(kept.get(0).value()).isEqualTo(lateDoc);
        assertThat(header(kept.get(0), SecpipeHeaders.ERROR_MESSAGE)).isEqualTo("late: window closed");
        assertThat(header(kept.get(0), SecpipeHeaders.ERROR_STAGE)).isEqualTo("vpcflow-minute");
        assertThat(header(kept.get(0), SecpipeHeaders.SOURCE)).isEqualTo("file:/data/flows.log#7");
        assertThat(lateRecords()).isEqualTo(1.0);
        assertThat(minute.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMinutes(2)); // idle: the open windows leave, the late flow in none
        assertThat(sums(minute.readKeyValuesToList())).containsExactly(
                "eni-1|ACCEPT|inbound|443|6|2026-11-01T10:19:00Z 1 10", "eni-1|ACCEPT|inbound|443|6|2026-11-01T10:21:00Z 1 30");
    }

    @Test
    void aQuietInterfacesWindowsCloseAfterTheIdleTimeEachMinuteOnceForTheSeries() {
        flow(5, "eni-1", "ACCEPT", 443, 100);
        flow(70, "eni-1", "ACCEPT", 443, 7);
        flow(8, "eni-2", "REJECT", 22, 40);
        driver.advanceWallClockTime(Duration.ofSeconds(50));
        flow(9, "eni-2", "REJECT", 22, 2);              // eni-2 is busy again: its quiet time starts anew
        driver.advanceWallClockTime(Duration.ofSeconds(20));
        assertThat(sums(minute.readKeyValuesToList())).containsExactly(
                "eni-1|ACCEPT|inbound|443|6|2026-11-01T10:00:00Z 1 100", "eni-1|ACCEPT|inbound|443|6|2026-11-01T10:01:00Z 1 7");
        assertThat(series.readKeyValuesToList()).extracting(kv -> kv.key + " " + kv.value.replaceAll(".*\"@timestamp\":\"([^\"]+)\".*\"bytes\":(\\d+).*", "$1 $2"))
                .containsExactly("eni-1 2026-11-01T10:00:00Z 100", "eni-1 2026-11-01T10:01:00Z 7");
        driver.advanceWallClockTime(Duration.ofSeconds(50));
        assertThat(sums(minute.readKeyValuesToList())).containsExactly("eni-2|REJECT|inbound|22|6|2026-11-01T10:00:00Z 2 42");
        assertThat(series.readKeyValuesToList()).hasSize(1);
        driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertThat(minute.isEmpty()).as("closed windows leave once").isTrue();
        assertThat(series.isEmpty()).isTrue();

        flow(30, "eni-1", "ACCEPT", 443, 1);            // its minute closed: late, and the document stays as it was
        flow(130, "eni-1", "ACCEPT", 443, 3);           // a later minute opens as usual
        assertThat(late.readValuesToList()).hasSize(1);
        assertThat(lateRecords()).isEqualTo(1.0);
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(sums(minute.readKeyValuesToList())).containsExactly("eni-1|ACCEPT|inbound|443|6|2026-11-01T10:02:00Z 1 3");
        assertThat(series.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("eni-1");
    }

    /**
     * Live delivery with the default idle close: an interface's 10-minute capture window ends at 10:09:40, so minute
     * 10:09 holds flows of two windows, delivered ten minutes apart. Both count; nothing is late.
     */
    @Test
    void withTheDefaultIdleCloseTheMinuteAcrossTwoCaptureWindowsCountsBothDeliveries() {
        driver.close();
        start(new Properties());
        flow(60 * 9 + 30, "eni-1", "ACCEPT", 443, 100);   // window 1 (09:59:40-10:09:40), delivered at once
        flow(60 * 2, "eni-1", "ACCEPT", 443, 5);
        driver.advanceWallClockTime(Duration.ofMinutes(10)); // the next delivery of this interface, ten minutes later
        assertThat(minute.isEmpty()).as("nothing closed while the interface waits for its next delivery").isTrue();
        flow(60 * 9 + 50, "eni-1", "ACCEPT", 443, 20);   // window 2 starts at 10:09:40
        flow(60 * 15, "eni-1", "ACCEPT", 443, 1);
        driver.advanceWallClockTime(Duration.ofMinutes(16)); // quiet for good: every open minute closes
        assertThat(sums(minute.readKeyValuesToList())).containsExactly(
                "eni-1|ACCEPT|inbound|443|6|2026-11-01T10:02:00Z 1 5", "eni-1|ACCEPT|inbound|443|6|2026-11-01T10:09:00Z 2 120",
                "eni-1|ACCEPT|inbound|443|6|2026-11-01T10:15:00Z 1 1");
        assertThat(lateRecords()).isZero();
        assertThat(late.isEmpty()).isTrue();
    }

    @Test
    void transitGatewayFlowsCountUnderTheirAttachment() {
        enriched.pipeInput("tgw-attach-0a1b2c3d4e5f60001", "{\"@timestamp\":\"" + T0.plusSeconds(5) + "\",\"tgw_id\":\"tgw-0a1b\","
                + "\"tgw_attachment_id\":\"tgw-attach-0a1b2c3d4e5f60001\",\"dstport\":443,\"protocol\":6,\"packets\":3,\"bytes\":900,"
                + "\"log_status\":\"OK\"}", WALL);
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(minute.readKeyValuesToList()).containsExactly(KeyValue.pair("tgw-attach-0a1b2c3d4e5f60001|-|-|443|6|2026-11-01T10:00:00Z",
                "{\"@timestamp\":\"2026-11-01T10:00:00Z\",\"window_end\":\"2026-11-01T10:01:00Z\",\"tgw_attachment_id\":"
                        + "\"tgw-attach-0a1b2c3d4e5f60001\",\"dstport\":443,\"protocol\":6,\"protocol_name\":\"tcp\",\"flows\":1,\"bytes\":900,\"packets\":3}"));
        assertThat(series.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("tgw-attach-0a1b2c3d4e5f60001");
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private double lateRecords() {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("late-record-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }
}
