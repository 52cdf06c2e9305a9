package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlowLogTopologyTest {

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> raw;
    private TestOutputTopic<String, String> enriched;
    private TestOutputTopic<String, String> deadLetters;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        FlowLogTopology.addTo(builder, FlowLogTopology.Config.from(new Properties()));
        driver = new TopologyTestDriver(builder.build());
        raw = driver.createInputTopic("raw.vpcflow", Serdes.String().serializer(), Serdes.String().serializer());
        enriched = driver.createOutputTopic("vpcflow.enriched", Serdes.String().deserializer(), Serdes.String().deserializer());
        deadLetters = driver.createOutputTopic("dlq.vpcflow", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static Headers headers(String source, String format) {
        Headers headers = new RecordHeaders();
        headers.add(SecpipeHeaders.ID, "id-1".getBytes(StandardCharsets.UTF_8));
        headers.add(SecpipeHeaders.SOURCE, source.getBytes(StandardCharsets.UTF_8));
        if (format != null) {
            headers.add(SecpipeHeaders.FORMAT, format.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Test
    void parsesLinesByTheirFormatHeaderAndKeepsTheSourceHeaders() {
        raw.pipeInput(new TestRecord<>("eni-1", "eni-1 10.0.0.1 10.0.0.2 1700000000 REJECT",
                headers("file:/x.log#2", "interface-id srcaddr dstaddr start action")));
        raw.pipeInput(new TestRecord<>("eni-2",
                "2 123456789010 eni-2 10.0.0.3 10.0.0.4 443 51000 6 3 180 1700000060 1700000120 ACCEPT OK",
                headers("file:/y.log#1", null)));

        List<TestRecord<String, String>> out = enriched.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("eni-1", "eni-2");
        assertThat(out.get(0).value()).isEqualTo("{\"@timestamp\":\"2023-11-14T22:13:20Z\",\"interface_id\":\"eni-1\","
                + "\"srcaddr\":\"10.0.0.1\",\"dstaddr\":\"10.0.0.2\",\"start\":1700000000,\"action\":\"REJECT\",\"event\":{\"time_source\":\"start\"}}");
        assertThat(out.get(1).value()).contains("\"bytes\":180", "\"@timestamp\":\"2023-11-14T22:14:20Z\"");
        assertThat(new String(out.get(0).headers().lastHeader(SecpipeHeaders.ID).value(), StandardCharsets.UTF_8)).isEqualTo("id-1");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void sendsAMalformedLineRawToTheDeadLetterTopicWithReasonAndPosition() {
        raw.pipeInput(new TestRecord<>("eni-1", "2 123456789010 eni-1 garbage", headers("file:/x.log#7", null)));

        assertThat(enriched.isEmpty()).isTrue();
        TestRecord<String, String> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo("2 123456789010 eni-1 garbage");
        assertThat(header(dead, SecpipeHeaders.SOURCE)).isEqualTo("file:/x.log#7");
        assertThat(header(dead, SecpipeHeaders.ERROR_CLASS)).isEqualTo(FlowLogParseException.class.getName());
        assertThat(header(dead, SecpipeHeaders.ERROR_MESSAGE)).startsWith("expected 14 fields").endsWith("found 4");
        assertThat(header(dead, SecpipeHeaders.ERROR_STAGE)).isEqualTo("vpcflow-parse");
        assertThat(deadLetters.isEmpty()).isTrue();
        double total = driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("dead-letter-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
        assertThat(total).isEqualTo(1.0);
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
