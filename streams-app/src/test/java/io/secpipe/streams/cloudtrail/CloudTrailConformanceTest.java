package io.secpipe.streams.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.formats.Decompression;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.framing.CloudTrailFraming;
import io.secpipe.formats.framing.Frame;
import io.secpipe.formats.framing.FrameReader;
import io.secpipe.streams.ec2.Ec2EnforcerTopology;
import io.secpipe.streams.geo.GeoLookup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;
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

/**
 * AWS's documented CloudTrail and EventBridge examples, laid out as AWS delivers them: log files gzip-compressed as
 * S3 holds them, read by the formats module's CloudTrail framing into records, then through the topology; EventBridge
 * envelopes as single JSON objects. Expected documents are written out by hand from the examples' values
 * ({@code cloudtrail/expected/}); derived ids were computed apart from this code (SHA-256 of the record's JSON with
 * sorted keys, in Python) to check the id's definition.
 */
class CloudTrailConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String START_V10_ID = "derived:sha256:76b9337d00c8051a091bdd2569e5b913a552f97e21a1cb1d3fccfba21429bfd3";
    private static final String STOP_V10_ID = "derived:sha256:4333ab68198125be5bd592a28f589a3506eb613a98adf1379b4fb34300fd538e";
    private static final String KEY_PAIR_V10_ID = "derived:sha256:35443d9e006b8e4dfda96cb971cafe21e2c1a8e95b5288e4b87cb15826bd6f15";

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestOutputTopic<String, String> out;
    private TestOutputTopic<String, String> deadLetters;

    private void start(Properties props) {
        start(props, false);
    }

    private void start(Properties props, boolean withEnforcer) {
        StreamsBuilder builder = new StreamsBuilder();
        CloudTrailTopology.addTo(builder, CloudTrailTopology.Config.from(props), GeoLookup.none());
        if (withEnforcer) {
            Ec2EnforcerTopology.addTo(builder, Ec2EnforcerTopology.Config.from(props));
        }
        driver = new TopologyTestDriver(builder.build());
        raw = driver.createInputTopic("raw.cloudtrail", Serdes.String().serializer(), Serdes.ByteArray().serializer());
        out = driver.createOutputTopic("cloudtrail.ec2", Serdes.String().deserializer(), Serdes.String().deserializer());
        deadLetters = driver.createOutputTopic("dlq.cloudtrail", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    // --- the issue's "done when": 19 seed calls + a v1.0 StopInstances + an Insights record + 3 other calls ---

    @Test
    void theSeedFileGivesTwentyDocumentsFourUnmatchedAndNoDeadLetter() throws IOException {
        start(new Properties());
        List<Frame> frames = frames(gzip(resource("seed-19-plus.json")));
        assertThat(frames).hasSize(24).noneMatch(Frame::isError);

        pipe(frames, "file:/logs/seed-19-plus.json.gz");
        List<TestRecord<String, String>> docs = out.readRecordsToList();

        Map<String, String> expected = new LinkedHashMap<>(); // document id -> event name, in file order
        String[] seedOrder = {"RunInstances", "StopInstances", "StartInstances", "CreateFlowLogs", "CreateImage",
            "CreateNatGateway", "CreateVpc", "DeleteKeyPair", "DeleteNatGateway", "DeleteRoute", "DeleteRouteTable",
            "CreateSnapshot", "DeleteSnapshot", "DeleteVpc", "DeleteVpcEndpoints", "DeleteSecurityGroup", "ModifyVolume",
            "ModifyVpcEndpoint", "TerminateInstances"};
        for (int i = 0; i < seedOrder.length; i++) {
            expected.put(String.format("5eed0000-0000-4000-8000-%012d", i + 1), seedOrder[i]);
            if (i == 9) {
                expected.put(STOP_V10_ID, "StopInstances"); // the file holds it after the tenth call
            }
        }
        assertThat(docs).hasSize(20);
        assertThat(docs).extracting(TestRecord::key).containsExactlyElementsOf(expected.keySet());
        for (TestRecord<String, String> doc : docs) {
            JsonNode d = JSON.readTree(doc.value());
            assertThat(d.path("event_name").asText()).as(doc.key()).isEqualTo(expected.get(doc.key()));
            assertThat(d.path("event_id").asText()).isEqualTo(doc.key());
            assertThat(header(doc, SecpipeHeaders.ID)).isEqualTo(doc.key());
        }
        assertThat(unmatched()).as("Insights + DescribeInstances + CreateKeyPair + iam CreateUser").isEqualTo(4.0);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(deadLettered()).isZero();

        // a few calls field by field (values as written in the file)
        JsonNode run = JSON.readTree(docs.get(0).value());
        assertThat(run.path("@timestamp").asText()).isEqualTo("2026-11-03T10:01:01Z");
        assertThat(run.path("instance_ids").toString()).isEqualTo("[\"i-0a1b2c3d4e5f60001\"]");
        assertThat(run.path("instance_type").asText()).isEqualTo("t3.micro");
        assertThat(run.path("user_name").asText()).isEqualTo("Operator");
        assertThat(docs.get(0).timestamp()).isEqualTo(java.time.Instant.parse("2026-11-03T10:01:01Z").toEpochMilli());
        JsonNode stop10 = JSON.readTree(docs.get(10).value());
        assertThat(stop10).isEqualTo(expected("ec2-stop-instances-v1.0.json"));
        JsonNode deleteSg = JSON.readTree(docs.get(16).value());
        assertThat(deleteSg.path("event_name").asText()).isEqualTo("DeleteSecurityGroup");
        assertThat(deleteSg.path("event").path("outcome").asText()).isEqualTo("failure");
        assertThat(deleteSg.path("error_code").asText()).isEqualTo("Client.DependencyViolation");
        JsonNode createVpc = JSON.readTree(docs.get(6).value());
        assertThat(createVpc.path("response_elements").path("vpc").path("vpcId").asText()).isEqualTo("vpc-0a1b2c3d4e5f60007");
        assertThat(createVpc.has("instance_ids")).isFalse();

        // a replay: the same ids (the sink overwrites), the same counts once more
        pipe(frames(gzip(resource("seed-19-plus.json"))), "file:/logs/seed-19-plus.json.gz");
        assertThat(out.readRecordsToList()).extracting(TestRecord::key).containsExactlyElementsOf(expected.keySet());
        assertThat(unmatched()).isEqualTo(8.0);
        assertThat(deadLetters.isEmpty()).isTrue();

        // the file unframed, as one record (a Records[] log file sent whole): the same documents
        raw.pipeInput(new TestRecord<>("whole", resource("seed-19-plus.json"), headers("s3://trail/seed-19-plus.json")));
        assertThat(out.readRecordsToList()).extracting(TestRecord::key).containsExactlyElementsOf(expected.keySet());
        assertThat(unmatched()).isEqualTo(12.0);
    }

    @Test
    void theEnforcerActsOnlyOnInstanceLifecycleCallsOfTheSeedFile() throws IOException {
        start(new Properties(), true);
        pipe(frames(resource("seed-19-plus.json")), "file:/logs/seed-19-plus.json");
        assertThat(out.readRecordsToList()).hasSize(20);
        TestOutputTopic<String, String> decisions = driver.createOutputTopic("ec2.enforcement",
                Serdes.String().deserializer(), Serdes.String().deserializer());
        TestOutputTopic<String, String> enforcerDlq = driver.createOutputTopic("dlq.ec2-enforcer",
                Serdes.String().deserializer(), Serdes.String().deserializer());
        List<JsonNode> made = new ArrayList<>();
        for (TestRecord<String, String> d : decisions.readRecordsToList()) {
            made.add(JSON.readTree(d.value()));
        }
        // A decision is made on a launch or a start only: the 15 other calls (images, VPCs, snapshots, ...) name no
        // instance state, StopInstances and TerminateInstances stop one. RunInstances names its instance's state as
        // instanceState, StartInstances as currentState (pending after stopped): one decision each, fail closed.
        assertThat(made).extracting(d -> d.path("instance_id").asText() + " " + d.path("trigger").asText() + " "
                        + d.path("state").asText() + " " + d.path("action").asText() + " " + d.path("region").asText())
                .containsExactly("i-0a1b2c3d4e5f60001 RunInstances pending DELETE eu-west-1",
                        "i-0a1b2c3d4e5f60003 StartInstances pending DELETE eu-west-1");
        assertThat(made.get(0).path("instance_type").asText()).isEqualTo("t3.micro");
        assertThat(enforcerDlq.isEmpty()).as("every matched call is a document the enforcer reads").isTrue();
    }

    // --- CloudTrail log file examples ---

    @Test
    void eventVersionOneRecordsWithoutEventIdBecomeDocumentsWithDerivedIds() throws IOException {
        start(new Properties());
        pipe(frames(gzip(resource("aws-docs/ec2-start-instances-v1.0.json"))), "s3://trail/start.json.gz");
        pipe(frames(gzip(resource("aws-docs/ec2-stop-instances-v1.0.json"))), "s3://trail/stop.json.gz");
        List<TestRecord<String, String>> docs = out.readRecordsToList();
        assertThat(docs).extracting(TestRecord::key).containsExactly(START_V10_ID, STOP_V10_ID);
        assertThat(JSON.readTree(docs.get(0).value())).isEqualTo(expected("ec2-start-instances-v1.0.json"));
        assertThat(JSON.readTree(docs.get(1).value())).isEqualTo(expected("ec2-stop-instances-v1.0.json"));
        assertThat(header(docs.get(0), SecpipeHeaders.SOURCE)).isEqualTo("s3://trail/start.json.gz#1");
        assertThat(unmatched()).isZero();
        assertThat(deadLetters.isEmpty()).isTrue();

        // replayed, and also sent unframed (as CloudWatch Logs delivers one record per event): the same ids
        pipe(frames(gzip(resource("aws-docs/ec2-start-instances-v1.0.json"))), "s3://trail/start.json.gz");
        raw.pipeInput(new TestRecord<>("cwl", resource("aws-docs/ec2-stop-instances-v1.0.json"), headers("cwl:trail#1")));
        assertThat(out.readRecordsToList()).extracting(TestRecord::key).containsExactly(START_V10_ID, STOP_V10_ID);
    }

    @Test
    void callsOutsideThePatternAndInsightsAreUnmatchedNotDeadLetters() throws IOException {
        start(new Properties());
        String[] files = {"ec2-create-key-pair-v1.0.json", "iam-create-user-v1.0.json", "iam-add-user-to-group-v1.0.json",
            "cloudtrail-update-trail-error-v1.04.json", "insights-api-call-rate-start.json",
            "kms-rotate-key-service-event-v1.05.json"};
        for (String file : files) {
            List<Frame> frames = frames(gzip(resource("aws-docs/" + file)));
            assertThat(frames).as(file).hasSize(1).noneMatch(Frame::isError);
            pipe(frames, "s3://trail/" + file + ".gz");
        }
        assertThat(out.isEmpty()).isTrue();
        assertThat(unmatched()).isEqualTo(6.0);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(deadLettered()).isZero();
    }

    @Test
    void underAPatternThatSelectsThemTheyAreDocumentsWithTheDocumentedValues() throws IOException {
        Properties props = new Properties();
        props.setProperty("cloudtrail.pattern", "{\"$or\":[{\"detail-type\":[\"AWS Insight via CloudTrail\","
                + "\"AWS Service Event via CloudTrail\"]},{\"detail\":{\"errorCode\":[{\"exists\":true}]}},"
                + "{\"detail\":{\"eventName\":[\"CreateKeyPair\"]}}]}");
        start(props);
        for (String file : new String[] {"insights-api-call-rate-start.json", "kms-rotate-key-service-event-v1.05.json",
            "cloudtrail-update-trail-error-v1.04.json", "ec2-create-key-pair-v1.0.json", "iam-create-user-v1.0.json"}) {
            pipe(frames(gzip(resource("aws-docs/" + file))), "s3://trail/" + file + ".gz");
        }
        List<TestRecord<String, String>> docs = out.readRecordsToList();
        assertThat(docs).extracting(TestRecord::key).containsExactly("EXAMPLE8-9621-4d00-b913-beca2EXAMPLE",
                "234f004b-EXAMPLE", "b7d4398e-b2f0-4faa-9c76-e2d316a8d67f", KEY_PAIR_V10_ID);
        assertThat(JSON.readTree(docs.get(0).value())).isEqualTo(expected("insights-api-call-rate-start.json"));
        assertThat(JSON.readTree(docs.get(1).value())).isEqualTo(expected("kms-rotate-key-service-event-v1.05.json"));
        assertThat(JSON.readTree(docs.get(2).value())).isEqualTo(expected("cloudtrail-update-trail-error-v1.04.json"));
        JsonNode keyPair = JSON.readTree(docs.get(3).value());
        assertThat(keyPair.path("response_elements").path("keyMaterial").asText()).isEqualTo("<sensitiveDataRemoved>");
        assertThat(keyPair.path("user_agent").asText())
                .isEqualTo("EC2ConsoleBackend, aws-sdk-java/Linux/x.xx.fleetxen Java_HotSpot(TM)_64-Bit_Server_VM/xx");
        assertThat(unmatched()).as("iam CreateUser").isEqualTo(1.0);
    }

    @Test
    void theCreateRoleExampleAsPrintedIsNotJsonAndIsTheOnlyDeadLetter() throws IOException {
        start(new Properties());
        byte[] asPrinted = resource("aws-docs/iam-create-role-v1.0-as-printed.json");
        // through the framing: an error frame, which the source connector writes to its errors topic
        List<Frame> frames = frames(gzip(asPrinted));
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).isError()).isTrue();
        assertThat(frames.get(0).error()).contains("CTRL-CHAR, code 10");
        // sent as it is (not framed): a dead letter of the topology, with its reason and position
        raw.pipeInput(new TestRecord<>("x", asPrinted, headers("s3://trail/create-role.json#1")));
        List<TestRecord<String, String>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), SecpipeHeaders.ERROR_MESSAGE)).startsWith("not JSON: Illegal unquoted character ((CTRL-CHAR, code 10))");
        assertThat(header(dead.get(0), SecpipeHeaders.SOURCE)).isEqualTo("s3://trail/create-role.json#1");
        assertThat(dead.get(0).value()).isEqualTo(new String(asPrinted, StandardCharsets.UTF_8));
        assertThat(deadLettered()).isEqualTo(1.0);
        assertThat(out.isEmpty()).isTrue();
    }

    // --- EventBridge envelopes ---

    @Test
    void anApiCallEnvelopeIsADocumentUnderItsEnvelopeId() throws IOException {
        start(new Properties());
        for (int i = 0; i < 2; i++) { // and again: the same id
            raw.pipeInput(new TestRecord<>("eb", resource("aws-docs/eventbridge-api-call-stop-instances.json"),
                    headers("firehose:eb#" + i)));
        }
        List<TestRecord<String, String>> docs = out.readRecordsToList();
        assertThat(docs).extracting(TestRecord::key)
                .containsExactly("2f4d86c0-5a3b-4c1e-9d2a-6b7e8f901234", "2f4d86c0-5a3b-4c1e-9d2a-6b7e8f901234");
        JsonNode expected = expected("ec2-stop-instances-v1.0.json").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("event_id", "2f4d86c0-5a3b-4c1e-9d2a-6b7e8f901234");
        assertThat(JSON.readTree(docs.get(0).value())).isEqualTo(expected);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void anInstanceStateChangeEnvelopeIsUnmatchedNotADeadLetter() throws IOException {
        start(new Properties());
        raw.pipeInput(new TestRecord<>("eb", resource("aws-docs/ec2-instance-state-change-pending.json"), headers("eb#1")));
        assertThat(out.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(unmatched()).isEqualTo(1.0);
    }

    // --- helpers ---

    private void pipe(List<Frame> frames, String source) {
        for (Frame frame : frames) {
            assertThat(frame.isError()).as("frame %d: %s", frame.position(), frame.error()).isFalse();
            Headers headers = headers(source + "#" + frame.position());
            frame.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
            raw.pipeInput(new TestRecord<>(frame.key(), frame.value(), headers));
        }
    }

    static List<Frame> frames(byte[] file) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (InputStream in = Decompression.open(new ByteArrayInputStream(file));
             FrameReader reader = new CloudTrailFraming().open(in)) {
            for (Frame f = reader.next(0); f != null; f = reader.next(0)) {
                frames.add(f);
            }
        }
        return frames;
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(plain);
        }
        return bytes.toByteArray();
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = CloudTrailConformanceTest.class.getResourceAsStream("/cloudtrail/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static JsonNode expected(String name) throws IOException {
        return JSON.readTree(resource("expected/" + name));
    }

    private static Headers headers(String source) {
        Headers headers = new RecordHeaders();
        headers.add(SecpipeHeaders.SOURCE, source.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private double unmatched() {
        return stageTotal("unmatched-total");
    }

    private double deadLettered() {
        return stageTotal("dead-letter-total");
    }

    /** A counter of the cloudtrail-match stage (group secpipe-stage), summed over its tasks. */
    private double stageTotal(String name) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("stream-secpipe-stage-metrics")
                        && e.getKey().tags().values().stream().anyMatch(v -> v.startsWith("cloudtrail-match")))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
