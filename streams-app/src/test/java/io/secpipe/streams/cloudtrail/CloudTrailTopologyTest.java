package io.secpipe.streams.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.geo.GeoLookup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

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
        if (driver != null) {
            driver.close();
        }
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

    @Test
    void aBadElementOfALogFileIsADeadLetterOfItsOwnAndTheOthersAreDocuments() throws IOException {
        start(new Properties());
        String file = "{\"Records\":[" + resource("run-instances-record.json") + ",{\"eventVersion\":\"1.09\",\"x\":1},"
                + resource("describe-instances-record.json") + ",7,"
                + "{\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"RunInstances\",\"eventTime\":\"2026-11-02T08:15:30Z\"}]}";
        raw.pipeInput(new TestRecord<>("file", file, headers("file")));
        assertThat(out.readRecordsToList()).extracting(TestRecord::key).containsExactly("e1a00000-0000-4000-8000-000000000001");
        List<TestRecord<String, String>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(TestRecord::value).containsExactly("{\"eventVersion\":\"1.09\",\"x\":1}", "7",
                "{\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"RunInstances\",\"eventTime\":\"2026-11-02T08:15:30Z\"}");
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.ERROR_MESSAGE)).containsExactly(
                "Records[1]: neither an EventBridge envelope nor a CloudTrail record (no eventVersion, eventSource and eventName; not an Insights event)",
                "Records[3]: not a JSON object",
                "Records[4]: neither an EventBridge envelope nor a CloudTrail record (no eventVersion, eventSource and eventName; not an Insights event)");
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.SOURCE)).containsOnly("s3://trail/AWSLogs/x.json.gz#1");
        assertThat(dead).extracting(r -> header(r, SecpipeHeaders.ID)).containsOnly("file");
    }

    @Test
    void eventTimeInEveryFormCloudTrailWrites() throws IOException {
        start(new Properties());
        String[][] forms = {
            {"2026-11-02T08:15:30Z", "2026-11-02T08:15:30Z"},
            {"2026-11-02T08:15:30.123Z", "2026-11-02T08:15:30.123Z"},
            {"2026-11-02T08:15:30.123456789Z", "2026-11-02T08:15:30.123456789Z"},
            {"2026-11-02T10:15:30+02:00", "2026-11-02T08:15:30Z"},
            {"2026-11-02T03:15:30.5-05:00", "2026-11-02T08:15:30.500Z"},
            {"2026-11-02T10:15:30+0200", "2026-11-02T08:15:30Z"},
            {"2026-11-02T08:15:30", "2026-11-02T08:15:30Z"},
            {"2026-11-02t08:15:30z", "2026-11-02T08:15:30Z"},
        };
        for (String[] form : forms) {
            raw.pipeInput(new TestRecord<>("e1", resource("run-instances-record.json").replace("2026-11-02T08:15:30Z", form[0]), headers("e1")));
        }
        List<TestRecord<String, String>> docs = out.readRecordsToList();
        assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, SecpipeHeaders.ERROR_MESSAGE)).isEmpty();
        assertThat(docs).hasSize(forms.length);
        for (int i = 0; i < forms.length; i++) {
            assertThat(JSON.readTree(docs.get(i).value()).path("@timestamp").asText()).as(forms[i][0]).isEqualTo(forms[i][1]);
            assertThat(docs.get(i).timestamp()).isEqualTo(java.time.Instant.parse(forms[i][1]).toEpochMilli());
        }
        for (String bad : new String[] {"2026-11-02", "08:15:30Z", "2026-11-02T08:15:30+25:00", "10000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"}) {
            raw.pipeInput(new TestRecord<>("e1", resource("run-instances-record.json").replace("2026-11-02T08:15:30Z", bad), headers("e1")));
        }
        assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, SecpipeHeaders.ERROR_MESSAGE)).containsExactly(
                "unparseable eventTime: 2026-11-02", "unparseable eventTime: 08:15:30Z", "unparseable eventTime: 2026-11-02T08:15:30+25:00",
                "unparseable eventTime: 10000-01-01T00:00:00Z",
                "event time 1969-12-31T23:59:59Z is outside 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z");
    }

    @Test
    void theDefaultPatternIsTheSeedsWithAllNineteenNames() throws IOException {
        JsonNode pattern = JSON.readTree(CloudTrailTopology.DEFAULT_PATTERN);
        assertThat(pattern.path("source").toString()).isEqualTo("[\"aws.ec2\"]");
        assertThat(pattern.path("detail-type").toString()).isEqualTo("[\"AWS API Call via CloudTrail\"]");
        assertThat(pattern.path("detail").path("eventSource").toString()).isEqualTo("[\"ec2.amazonaws.com\"]");
        List<String> names = new java.util.ArrayList<>();
        pattern.path("detail").path("eventName").forEach(n -> names.add(n.asText()));
        assertThat(names).containsExactly("RunInstances", "StopInstances", "StartInstances", "CreateFlowLogs", "CreateImage",
                "CreateNatGateway", "CreateVpc", "DeleteKeyPair", "DeleteNatGateway", "DeleteRoute", "DeleteRouteTable",
                "CreateSnapshot", "DeleteSnapshot", "DeleteVpc", "DeleteVpcEndpoints", "DeleteSecurityGroup", "ModifyVolume",
                "ModifyVpcEndpoint", "TerminateInstances");
        assertThat(pattern.size()).isEqualTo(3);
        assertThat(pattern.path("detail").size()).isEqualTo(2);
    }

    @Test
    void aPatternFileReplacesTheSeeds(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("describe.json");
        Files.writeString(file, "{\"detail\": {\"eventName\": [\"DescribeInstances\"]}}\n");
        Properties props = new Properties();
        props.setProperty("cloudtrail.pattern.file", file.toString());
        start(props);
        raw.pipeInput(new TestRecord<>("e1", resource("run-instances-record.json"), headers("e1")));
        raw.pipeInput(new TestRecord<>("e3", resource("describe-instances-record.json"), headers("e3")));
        assertThat(out.readRecordsToList()).extracting(TestRecord::key).containsExactly("e1a00000-0000-4000-8000-000000000003");
    }

    @Test
    void aPatternFileThatCannotBeUsedIsAnErrorNamingTheKey(@TempDir Path dir) throws IOException {
        Properties missing = new Properties();
        missing.setProperty("cloudtrail.pattern.file", dir.resolve("nope.json").toString());
        assertThatThrownBy(() -> CloudTrailTopology.Config.from(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cloudtrail.pattern.file=" + dir.resolve("nope.json") + ": cannot read the file (NoSuchFileException: "
                        + dir.resolve("nope.json") + ")");

        Path notJson = Files.writeString(dir.resolve("bad.json"), "{\"source\": [\"aws.ec2\"");
        Properties bad = new Properties();
        bad.setProperty("cloudtrail.pattern.file", notJson.toString());
        assertThatThrownBy(() -> CloudTrailTopology.Config.from(bad))
                .hasMessageStartingWith("cloudtrail.pattern.file=" + notJson + ": not a valid event pattern: event pattern is not JSON");

        Path notAPattern = Files.writeString(dir.resolve("scalar.json"), "{\"source\": \"aws.ec2\"}");
        bad.setProperty("cloudtrail.pattern.file", notAPattern.toString());
        assertThatThrownBy(() -> CloudTrailTopology.Config.from(bad))
                .hasMessage("cloudtrail.pattern.file=" + notAPattern
                        + ": not a valid event pattern: source: a pattern's values are arrays or objects, found \"aws.ec2\"");

        Properties both = new Properties();
        both.setProperty("cloudtrail.pattern.file", notAPattern.toString());
        both.setProperty("cloudtrail.pattern", "{\"source\":[\"aws.ec2\"]}");
        assertThatThrownBy(() -> CloudTrailTopology.Config.from(both))
                .hasMessage("cloudtrail.pattern and cloudtrail.pattern.file are both set: set one of them");

        Properties inline = new Properties();
        inline.setProperty("cloudtrail.pattern", "[]");
        assertThatThrownBy(() -> CloudTrailTopology.Config.from(inline))
                .hasMessage("cloudtrail.pattern: not a valid event pattern: an event pattern is a JSON object");
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
