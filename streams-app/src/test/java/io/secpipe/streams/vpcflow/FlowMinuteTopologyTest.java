package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** vpcflow.enriched → vpcflow.minute: event time from @timestamp, final results, late records counted. */
class FlowMinuteTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> enriched;
    private TestOutputTopic<String, String> minute;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.setProperty("vpcflow.minute.grace", "PT30S");
        StreamsBuilder builder = new StreamsBuilder();
        FlowMinuteTopology.addTo(builder, FlowMinuteTopology.Config.from(props));
        driver = new TopologyTestDriver(builder.build());
        enriched = driver.createInputTopic("vpcflow.enriched", Serdes.String().serializer(), Serdes.String().serializer());
        minute = driver.createOutputTopic("vpcflow.minute", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    /** A flow at T0 + seconds; the record's own timestamp is an append time far later, which must not matter. */
    private void flow(long seconds, String eni, String action, int dstport, long bytes) {
        String doc = "{\"@timestamp\":\"" + T0.plusSeconds(seconds) + "\",\"interface_id\":\"" + eni + "\",\"dstport\":" + dstport
                + ",\"protocol\":6,\"packets\":2,\"bytes\":" + bytes + ",\"action\":\"" + action + "\",\"direction\":\"inbound\"}";
        enriched.pipeInput(eni, doc, Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void sumsPerMinuteAndDimensionsAndEmitsOnlyWhenTheWindowCloses() {
        flow(5, "eni-1", "ACCEPT", 443, 100);
        flow(50, "eni-1", "ACCEPT", 443, 150);
        flow(20, "eni-1", "REJECT", 22, 60);
        flow(61, "eni-1", "ACCEPT", 443, 10);          // next minute
        enriched.pipeInput("eni-1", "{\"@timestamp\":\"" + T0.plusSeconds(30) + "\",\"interface_id\":\"eni-1\",\"log_status\":\"NODATA\"}");
        assertThat(minute.isEmpty()).isTrue();          // 10:01:01 < 10:01:00 + 30 s grace: still open

        flow(90, "eni-2", "ACCEPT", 80, 1);             // stream time 10:01:30: the 10:00 window closes
        List<KeyValue<String, String>> out = minute.readKeyValuesToList();
        assertThat(out).containsExactlyInAnyOrder(
                KeyValue.pair("eni-1|ACCEPT|inbound|443|6|2026-11-01T10:00:00Z", "{\"@timestamp\":\"2026-11-01T10:00:00Z\","
                        + "\"window_end\":\"2026-11-01T10:01:00Z\",\"interface_id\":\"eni-1\",\"action\":\"ACCEPT\",\"direction\":\"inbound\","
                        + "\"dstport\":443,\"protocol\":6,\"protocol_name\":\"tcp\",\"flows\":2,\"bytes\":250,\"packets\":4}"),
                KeyValue.pair("eni-1|REJECT|inbound|22|6|2026-11-01T10:00:00Z", "{\"@timestamp\":\"2026-11-01T10:00:00Z\","
                        + "\"window_end\":\"2026-11-01T10:01:00Z\",\"interface_id\":\"eni-1\",\"action\":\"REJECT\",\"direction\":\"inbound\","
                        + "\"dstport\":22,\"protocol\":6,\"protocol_name\":\"tcp\",\"flows\":1,\"bytes\":60,\"packets\":2}"));
    }

    @Test
    void outOfOrderWithinGraceCountsAndLateRecordsAreCountedAndDropped() {
        flow(70, "eni-1", "ACCEPT", 443, 10);           // 10:01:10
        flow(40, "eni-1", "ACCEPT", 443, 20);           // out of order, 10:00 window still open (closes at 10:01:30)
        flow(95, "eni-1", "ACCEPT", 443, 30);           // 10:01:35: the 10:00 window closes
        assertThat(minute.readKeyValuesToList()).extracting(kv -> kv.key + " " + kv.value.replaceAll(".*\"flows\":(\\d+),\"bytes\":(\\d+).*", "$1 $2"))
                .containsExactly("eni-1|ACCEPT|inbound|443|6|2026-11-01T10:00:00Z 1 20");

        flow(10, "eni-1", "ACCEPT", 443, 999);          // late: its window is closed
        assertThat(lateRecords()).isEqualTo(1.0);
        flow(200, "eni-1", "ACCEPT", 443, 1);           // 10:03:20 closes 10:01 and 10:02 (empty)
        assertThat(minute.readKeyValuesToList()).extracting(kv -> kv.key + " " + kv.value.replaceAll(".*\"flows\":(\\d+),\"bytes\":(\\d+).*", "$1 $2"))
                .containsExactly("eni-1|ACCEPT|inbound|443|6|2026-11-01T10:01:00Z 2 40");
    }

    private double lateRecords() {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("late-record-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }
}
