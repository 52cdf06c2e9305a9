package io.secpipe.streams.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.geo.GeoLookup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
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
import org.junit.jupiter.api.Test;

class CloudTrailTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GeoLookup FAKE_GEO = ip -> ip.equals("198.51.100.44")
            ? Optional.of((ObjectNode) JSON.createObjectNode().put("country_iso_code", "ZZ")) : Optional.empty();

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> raw;
    private TestOutputTopic<String, String> out;
    private TestOutputTopic<String, String> deadLetters;

    private void start(Properties props) {
        StreamsBuilder builder = new StreamsBuilder();
        CloudTrailTopology.addTo(builder, CloudTrailTopology.Config.from(props), FAKE_GEO);
        driver = new TopologyTestDriver(builder.build());
        raw = driver.createInputTopic("raw.cloudtrail", Serdes.String().serializer(), Serdes.String().serializer());
        out = driver.createOutputTopic("cloudtrail.ec2", Serdes.String().deserializer(), Serdes.String().deserializer());
        deadLetters = driver.createOutputTopic("dlq.cloudtrail", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = CloudTrailTopologyTest.class.getResourceAsStream("/cloudtrail/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static Headers headers(String id) {
        Headers headers = new RecordHeaders();
        headers.add(SecpipeHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        headers.add(SecpipeHeaders.SOURCE, "s3://trail/AWSLogs/x.json.gz#1".getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    @Test
    void rawRecordsAndEnvelopesMatchTheSeedPatternAndNormalizeToTheGoldenDocuments() throws IOException {
        start(new Properties());
        raw.pipeInput(new TestRecord<>("e1", resource("run-instances-record.json"), headers("e1")));
        raw.pipeInput(new TestRecord<>("e2", resource("stop-instances-envelope.json"), headers("e2")));
        raw.pipeInput(new TestRecord<>("e3", resource("describe-instances-record.json"), headers("e3")));

        List<TestRecord<String, String>> docs = out.readRecordsToList();
        assertThat(docs).extracting(TestRecord::key)
                .containsExactly("e1a00000-0000-4000-8000-000000000001", "e1a00000-0000-4000-8000-000000000002");
        assertThat(JSON.readTree(docs.get(0).value())).isEqualTo(JSON.readTree(resource("run-instances-record.expected.json")));
        assertThat(JSON.readTree(docs.get(1).value())).isEqualTo(JSON.readTree(resource("stop-instances-envelope.expected.json")));
        assertThat(header(docs.get(0), SecpipeHeaders.ID)).isEqualTo("e1a00000-0000-4000-8000-000000000001");
        assertThat(header(docs.get(0), SecpipeHeaders.SOURCE)).startsWith("s3://trail/");
        assertThat(docs.get(0).timestamp()).isEqualTo(java.time.Instant.parse("2026-11-02T08:15:30Z").toEpochMilli());
        assertThat(deadLetters.isEmpty()).as("DescribeInstances does not match: left out, not rejected").isTrue();
    }

    @Test
    void aRecordsArrayIsExpandedEachWithItsOwnId() throws IOException {
        start(new Properties());
        String file = "{\"Records\":[" + resource("run-instances-record.json") + ","
                + resource("describe-instances-record.json") + ","
                + resource("run-instances-record.json").replace("e1a00000-0000-4000-8000-000000000001", "e-second") + "]}";
        raw.pipeInput(new TestRecord<>("file", file, headers("file")));
        List<TestRecord<String, String>> docs = out.readRecordsToList();
        assertThat(docs).extracting(r -> header(r, SecpipeHeaders.ID))
                .containsExactly("e1a00000-0000-4000-8000-000000000001", "e-second");
    }

    @Test
    void aConfiguredPatternReplacesTheSeeds() throws IOException {
        Properties props = new Properties();
        props.setProperty("cloudtrail.pattern", "{\"detail\":{\"eventName\":[{\"prefix\":\"Describe\"}],"
                + "\"userIdentity\":{\"type\":[\"Root\"]}}}");
        start(props);
        raw.pipeInput(new TestRecord<>("e1", resource("run-instances-record.json"), headers("e1")));
        raw.pipeInput(new TestRecord<>("e3", resource("describe-instances-record.json"), headers("e3")));
        List<TestRecord<String, String>> docs = out.readRecordsToList();
        assertThat(docs).hasSize(1);
        assertThat(JSON.readTree(docs.get(0).value()).path("user_name").asText()).isEqualTo("root");
        assertThat(JSON.readTree(docs.get(0).value()).path("source_geo").path("country_iso_code").asText()).isEqualTo("ZZ");
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicWithTheirReason() throws IOException {
        start(new Properties());
        raw.pipeInput(new TestRecord<>("x", "{\"Records\":[{", headers("x1")));
        raw.pipeInput(new TestRecord<>("x", "{\"hello\":1}", headers("x2")));
        raw.pipeInput(new TestRecord<>("x", "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.ec2\"}", headers("x3")));
        raw.pipeInput(new TestRecord<>("x", resource("run-instances-record.json").replace("2026-11-02T08:15:30Z", "last tuesday"), headers("x4")));

        List<TestRecord<String, String>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.ERROR_MESSAGE)).satisfiesExactly(
                m -> assertThat(m).startsWith("not JSON"),
                m -> assertThat(m).startsWith("neither an EventBridge envelope nor a CloudTrail record"),
                m -> assertThat(m).startsWith("EventBridge envelope without a detail"),
                m -> assertThat(m).startsWith("unparseable eventTime"));
        assertThat(dead.get(0).value()).isEqualTo("{\"Records\":[{");
        assertThat(header(dead.get(1), SecpipeHeaders.ERROR_STAGE)).isEqualTo("cloudtrail-match");
        assertThat(out.isEmpty()).isTrue();
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
