package io.secpipe.streams.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.cloudtrail.CloudTrailTopology;
import io.secpipe.streams.geo.GeoLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Ec2EnforcerTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    /** The decision time: the clock the enforcer is given, unlike any event time here. */
    private static final Instant DECIDED = Instant.parse("2026-11-02T12:34:56Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> inventory;
    private TestInputTopic<String, String> states;
    private TestInputTopic<String, String> calls;
    private TestOutputTopic<String, String> decisions;
    private TestOutputTopic<String, String> deadLetters;
    private final List<String> terminated = new ArrayList<>();

    private void start(Properties props, Ec2Actuator actuator) {
        StreamsBuilder builder = new StreamsBuilder();
        Ec2EnforcerTopology.addTo(builder, Ec2EnforcerTopology.Config.from(props), actuator, Clock.fixed(DECIDED, ZoneOffset.UTC));
        driver = new TopologyTestDriver(builder.build());
        inventory = driver.createInputTopic("ref.instances", Serdes.String().serializer(), Serdes.String().serializer());
        states = driver.createInputTopic("raw.ec2-events", Serdes.String().serializer(), Serdes.String().serializer());
        calls = driver.createInputTopic("cloudtrail.ec2", Serdes.String().serializer(), Serdes.String().serializer());
        decisions = driver.createOutputTopic("ec2.enforcement", Serdes.String().deserializer(), Serdes.String().deserializer());
        deadLetters = driver.createOutputTopic("dlq.ec2-enforcer", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    private void start(int max, String allowed) {
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.max.instances", String.valueOf(max));
        props.setProperty("ec2.enforcer.allowed.regions", allowed);
        start(props, (region, id) -> terminated.add(id));
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private void seed(String id, String region, String state) {
        inventory.pipeInput(id, "{\"instance_id\":\"" + id + "\",\"region\":\"" + region + "\",\"account_id\":\"111122223333\","
                + "\"instance_type\":\"t3.small\",\"state\":\"" + state + "\",\"launch_time\":\"2026-10-30T09:15:00Z\"}", T0);
    }

    private void stateChange(String id, String region, String state, int minute) {
        states.pipeInput(id, "{\"version\":\"0\",\"id\":\"n-" + id + "-" + minute + "\",\"detail-type\":\"EC2 Instance State-change Notification\","
                + "\"source\":\"aws.ec2\",\"account\":\"111122223333\",\"time\":\"" + T0.plusSeconds(60L * minute) + "\","
                + "\"region\":\"" + region + "\",\"resources\":[\"arn:aws:ec2:" + region + ":111122223333:instance/" + id + "\"],"
                + "\"detail\":{\"instance-id\":\"" + id + "\",\"state\":\"" + state + "\"}}");
    }

    /**
     * A cloudtrail.ec2 document of RunInstances, as CloudTrailTopology writes it (trimmed to what matters): each
     * launched instance's state is its item's instanceState, as in AWS's RunInstances records.
     */
    private void runInstances(String region, int minute, String... ids) {
        StringBuilder items = new StringBuilder();
        for (String id : ids) {
            items.append(items.length() == 0 ? "" : ",").append("{\"instanceId\":\"").append(id)
                    .append("\",\"instanceState\":{\"code\":0,\"name\":\"pending\"},\"instanceType\":\"m5.large\",")
                    .append("\"placement\":{\"availabilityZone\":\"").append(region).append("a\",\"tenancy\":\"default\"}}");
        }
        calls.pipeInput("e-" + minute, "{\"@timestamp\":\"" + T0.plusSeconds(60L * minute) + "\",\"event_name\":\"RunInstances\","
                + "\"aws_region\":\"" + region + "\",\"account_id\":\"111122223333\",\"event\":{\"outcome\":\"success\"},"
                + "\"response_elements\":{\"instancesSet\":{\"items\":[" + items + "]}}}");
    }

    /** A Start/Stop/TerminateInstances document: the item says currentState and previousState, as AWS's do. */
    private void lifecycleCall(String call, String region, int minute, String id, String previous, String current) {
        calls.pipeInput("e-" + minute, "{\"@timestamp\":\"" + T0.plusSeconds(60L * minute) + "\",\"event_name\":\"" + call + "\","
                + "\"aws_region\":\"" + region + "\",\"account_id\":\"111122223333\",\"event\":{\"outcome\":\"success\"},"
                + "\"response_elements\":{\"instancesSet\":{\"items\":[{\"instanceId\":\"" + id + "\","
                + "\"currentState\":{\"name\":\"" + current + "\"},\"previousState\":{\"name\":\"" + previous + "\"}}]}}}");
    }

    private List<JsonNode> read() {
        return decisions.readValuesToList().stream().map(Ec2EnforcerTopologyTest::tree).toList();
    }

    @Test
    void theInventorySeedsTheCountsAndLaunchesBeyondTheMaximumAreDeleted() {
        start(4, "eu-west-1");
        seed("i-1", "eu-west-1", "running");
        seed("i-2", "eu-west-1", "stopped");
        seed("i-3", "eu-west-1", "running");
        seed("i-9", "eu-west-1", "terminated");
        seed("i-7", "us-east-1", "running");
        assertThat(decisions.isEmpty()).as("the inventory never decides").isTrue();

        runInstances("eu-west-1", 1, "i-4");
        runInstances("eu-west-1", 2, "i-5");
        List<JsonNode> out = read();
        assertThat(out).hasSize(2);
        JsonNode allow = out.get(0);
        assertThat(allow.path("action").asText()).isEqualTo("ALLOW");
        assertThat(allow.path("instance_id").asText()).isEqualTo("i-4");
        assertThat(allow.path("num_instances").asInt()).isEqualTo(4);
        assertThat(allow.path("max_instances").asInt()).isEqualTo(4);
        assertThat(allow.path("region").asText()).isEqualTo("eu-west-1");
        assertThat(allow.path("instance_type").asText()).isEqualTo("m5.large");
        assertThat(allow.path("account").asText()).isEqualTo("111122223333");
        assertThat(allow.path("timestamp").asText()).as("decision time").isEqualTo("2026-11-02T12:34:56Z");
        assertThat(allow.path("event_time").asText()).isEqualTo("2026-11-02T10:01:00Z");
        assertThat(allow.path("@timestamp").asText()).isEqualTo("2026-11-02T10:01:00Z");
        assertThat(allow.path("trigger").asText()).isEqualTo("RunInstances");
        assertThat(allow.has("outcome")).isFalse();
        JsonNode delete = out.get(1);
        assertThat(delete.path("action").asText()).isEqualTo("DELETE");
        assertThat(delete.path("num_instances").asInt()).as("us-east-1 is not allowed: not counted").isEqualTo(5);
        assertThat(delete.path("reason").asText()).isEqualTo("5 instances in the allowed regions exceed the maximum of 4");
        assertThat(delete.path("outcome").asText()).isEqualTo("not_acted");
        assertThat(terminated).as("actuator off by default").isEmpty();
    }

    @Test
    void countsFollowLaunchStopStartAndTerminate() {
        start(1, "eu-west-1");
        stateChange("i-a", "eu-west-1", "pending", 0);
        stateChange("i-a", "eu-west-1", "running", 1);   // same launch: no second decision
        stateChange("i-a", "eu-west-1", "stopping", 2);
        stateChange("i-a", "eu-west-1", "stopped", 3);
        stateChange("i-a", "eu-west-1", "pending", 4);   // a start is decided again
        stateChange("i-b", "eu-west-1", "pending", 5);   // a second instance while i-a runs: over the maximum of 1
        stateChange("i-b", "eu-west-1", "shutting-down", 6);
        stateChange("i-c", "eu-west-1", "pending", 7);   // i-a, i-b (shutting down still counts, as in the seed), i-c
        stateChange("i-b", "eu-west-1", "terminated", 8);
        stateChange("i-c", "eu-west-1", "terminated", 9);
        stateChange("i-a", "eu-west-1", "terminated", 10);
        stateChange("i-d", "eu-west-1", "pending", 11);  // alone

        List<JsonNode> out = read();
        assertThat(out).extracting(d -> d.path("instance_id").asText() + " " + d.path("action").asText() + " " + d.path("num_instances").asInt())
                .containsExactly("i-a ALLOW 1", "i-a ALLOW 1", "i-b DELETE 2", "i-c DELETE 3", "i-d ALLOW 1");
        assertThat(out.get(0).path("trigger").asText()).isEqualTo("state-change");
    }

    @Test
    void outOfOrderEventsDoNotResurrectInstances() {
        start(5, "eu-west-1");
        stateChange("i-a", "eu-west-1", "running", 2);
        runInstances("eu-west-1", 1, "i-a");             // the call arrives after the later state: ignored
        stateChange("i-a", "eu-west-1", "terminated", 9);
        stateChange("i-a", "eu-west-1", "stopped", 5);   // late: the instance stays terminated
        stateChange("i-a", "eu-west-1", "running", 3);   // late again
        stateChange("i-b", "eu-west-1", "pending", 10);

        List<JsonNode> out = read();
        assertThat(out).extracting(d -> d.path("instance_id").asText() + " " + d.path("num_instances").asInt())
                .containsExactly("i-a 1", "i-b 1");
    }

    @Test
    void aRegionNotAllowedIsDeletedWhateverTheCount() {
        start(10, "eu-west-1, us-east-1");
        stateChange("i-x", "ap-south-1", "pending", 0);
        JsonNode d = read().get(0);
        assertThat(d.path("action").asText()).isEqualTo("DELETE");
        assertThat(d.path("reason").asText()).isEqualTo("region ap-south-1 is not allowed (allowed: eu-west-1, us-east-1)");
    }

    @Test
    void theActuatorActsOnDeletesOnlyWhenEnabledAndEachDecisionIsOneMessageWithItsOutcome() {
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.allowed.regions", "eu-west-1");
        props.setProperty("ec2.enforcer.max.instances", "0");
        props.setProperty("ec2.enforcer.actuator.enabled", "true");
        start(props, (region, id) -> {
            if (id.equals("i-protected")) {
                throw new IllegalStateException("OperationNotPermitted: nope");
            }
            terminated.add(region + "/" + id);
        });
        stateChange("i-a", "eu-west-1", "pending", 0);
        stateChange("i-protected", "eu-west-1", "pending", 1);
        List<TestRecord<String, String>> out = decisions.readRecordsToList();
        assertThat(out).extracting(r -> r.key() + " " + tree(r.value()).path("action").asText() + " " + tree(r.value()).path("outcome").asText())
                .containsExactly("i-a DELETE terminated", "i-protected DELETE failed");
        assertThat(tree(out.get(1).value()).path("error").asText()).isEqualTo("IllegalStateException: OperationNotPermitted: nope");
        assertThat(tree(out.get(0).value()).has("error")).isFalse();
        assertThat(terminated).containsExactly("eu-west-1/i-a");
        assertThat(header(out.get(0))).isEqualTo("i-a@" + T0.toEpochMilli());
    }

    @Test
    void withNoConfigurationEveryLaunchIsDeleteAndTheActuatorStillDoesNothing() {
        // an actuator is at hand, but not enabled
        start(new Properties(), (region, id) -> terminated.add(id));
        stateChange("i-a", "eu-west-1", "pending", 0);
        stateChange("i-b", "us-east-1", "pending", 1);
        runInstances("us-west-2", 2, "i-c");

        List<JsonNode> out = read();
        assertThat(out).extracting(d -> d.path("instance_id").asText() + " " + d.path("action").asText() + " " + d.path("outcome").asText())
                .containsExactly("i-a DELETE not_acted", "i-b DELETE not_acted", "i-c DELETE not_acted");
        assertThat(out).allSatisfy(d -> {
            assertThat(d.path("reason").asText()).isEqualTo("no region is allowed (ec2.enforcer.allowed.regions is empty)");
            assertThat(d.path("max_instances").asInt()).as("the seed's default maximum").isEqualTo(1);
            assertThat(d.path("num_instances").asInt()).as("no allowed region: nothing counted").isZero();
        });
        assertThat(terminated).isEmpty();
    }

    @Test
    void instancesOfAllAllowedRegionsCountTogetherAgainstOneMaximum() {
        start(1, "eu-west-1,us-east-1");
        stateChange("i-a", "eu-west-1", "pending", 0);
        stateChange("i-b", "us-east-1", "pending", 1);
        stateChange("i-c", "ap-south-1", "pending", 2);   // not allowed, and not counted
        stateChange("i-d", "us-east-1", "pending", 3);

        assertThat(read()).extracting(d -> d.path("instance_id").asText() + " " + d.path("action").asText() + " " + d.path("num_instances").asInt())
                .containsExactly("i-a ALLOW 1", "i-b DELETE 2", "i-c DELETE 2", "i-d DELETE 3");
    }

    @Test
    void perRegionCountingIsAnOption() {
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.allowed.regions", "eu-west-1,us-east-1");
        props.setProperty("ec2.enforcer.count.scope", "region");
        start(props, null);
        stateChange("i-a", "eu-west-1", "pending", 0);
        stateChange("i-b", "us-east-1", "pending", 1);
        stateChange("i-d", "us-east-1", "pending", 3);

        List<JsonNode> out = read();
        assertThat(out).extracting(d -> d.path("instance_id").asText() + " " + d.path("action").asText() + " " + d.path("num_instances").asInt())
                .containsExactly("i-a ALLOW 1", "i-b ALLOW 1", "i-d DELETE 2");
        assertThat(out.get(2).path("reason").asText()).isEqualTo("2 instances in us-east-1 exceed the maximum of 1");
    }

    @Test
    void theSeedsLambdaSettingsGiveTheSeedsMessageFields() throws IOException {
        Properties props = new Properties();
        try (var in = getClass().getResourceAsStream("/ec2/seed-000-lambda.properties")) {
            props.load(in);
        }
        start(props, null);
        runInstances("us-west-2", 1, "i-0aaa0000000000001");
        runInstances("us-west-2", 2, "i-0aaa0000000000002");
        stateChange("i-0aaa0000000000003", "us-east-1", "pending", 3);

        List<JsonNode> out = read();
        assertThat(out).extracting(d -> d.path("action").asText() + " " + d.path("num_instances").asInt())
                .containsExactly("ALLOW 1", "DELETE 2", "DELETE 2");
        JsonNode first = out.get(0);
        // the seed's message: action, instance_id, num_instances, max_instances, region, instance_type, account,
        // timestamp (when decided), stack_id, lab_id
        assertThat(first.path("instance_id").asText()).isEqualTo("i-0aaa0000000000001");
        assertThat(first.path("max_instances").asInt()).isEqualTo(1);
        assertThat(first.path("region").asText()).isEqualTo("us-west-2");
        assertThat(first.path("instance_type").asText()).isEqualTo("m5.large");
        assertThat(first.path("account").asText()).isEqualTo("111122223333");
        assertThat(first.path("timestamp").asText()).isEqualTo("2026-11-02T12:34:56Z");
        assertThat(first.path("stack_id").asText()).isEqualTo("arn:aws:cloudformation:us-west-2:606428895882:stack/"
                + "qls-10895444-267494a907e57c43-EC2EnforcerStack-16ESQCUSXDXJY/24271b80-2aa3-11ea-96c9-02a77ed54d64");
        assertThat(first.path("lab_id").asText()).isEqualTo("karamo-test");
        assertThat(out.get(2).path("reason").asText()).isEqualTo("region us-east-1 is not allowed (allowed: us-west-2)");
    }

    @Test
    void theSeedNotifiedEveryDecisionAndSoDoesTheDefault() {
        assertThat(Ec2EnforcerTopology.Config.from(new Properties()).snsActions()).containsExactly("ALLOW", "DELETE");
    }

    @Test
    void aTagMayNotReplaceADecisionField() {
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.tag.action", "ALLOW");
        assertThatThrownBy(() -> Ec2EnforcerTopology.Config.from(props))
                .hasMessage("ec2.enforcer.tag.action: action is a field of the decision itself");
    }

    @Test
    void callsThatAreNotInstanceLifecycleEventsAreIgnored() {
        start(1, "eu-west-1");
        // the wider CloudTrail pattern's other EC2 calls; CreateImage's response even names an instance and a state
        calls.pipeInput("v", "{\"@timestamp\":\"" + T0 + "\",\"event_name\":\"CreateVpc\",\"aws_region\":\"eu-west-1\","
                + "\"response_elements\":{\"vpc\":{\"vpcId\":\"vpc-1\"}}}");
        calls.pipeInput("s", "{\"@timestamp\":\"" + T0 + "\",\"event_name\":\"DeleteSnapshot\",\"aws_region\":\"eu-west-1\"}");
        calls.pipeInput("i", "{\"@timestamp\":\"" + T0 + "\",\"event_name\":\"CreateImage\",\"aws_region\":\"eu-west-1\","
                + "\"response_elements\":{\"instancesSet\":{\"items\":[{\"instanceId\":\"i-x\",\"currentState\":{\"name\":\"running\"}}]}}}");
        assertThat(decisions.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        runInstances("eu-west-1", 1, "i-a");
        assertThat(read()).extracting(d -> d.path("instance_id").asText() + " " + d.path("action").asText() + " " + d.path("num_instances").asInt())
                .as("i-x was never counted").containsExactly("i-a ALLOW 1");
    }

    @Test
    void unreadableNotificationsGoToTheDeadLetterTopic() {
        start(5, "eu-west-1");
        states.pipeInput("x", "{\"detail-type\":\"EC2 Instance State-change Notification\",\"region\":\"eu-west-1\",\"detail\":{}}");
        states.pipeInput("y", "{\"detail-type\":\"EC2 Spot Instance Interruption Warning\"}"); // not ours: ignored
        states.pipeInput("z", "not json");
        List<TestRecord<String, String>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(TestRecord::key).containsExactly("x", "z");
        assertThat(new String(dead.get(0).headers().lastHeader(SecpipeHeaders.ERROR_MESSAGE).value(), StandardCharsets.UTF_8))
                .contains("lacks detail.instance-id");
        assertThat(decisions.isEmpty()).isTrue();
    }

    @Test
    void startStopAndTerminateCallsNameTheStateAsCurrentStateAndAreReadToo() {
        start(1, "eu-west-1");
        runInstances("eu-west-1", 0, "i-a");
        lifecycleCall("StopInstances", "eu-west-1", 1, "i-a", "running", "stopping");
        lifecycleCall("StartInstances", "eu-west-1", 2, "i-a", "stopped", "pending");   // a start: decided again
        lifecycleCall("TerminateInstances", "eu-west-1", 3, "i-a", "running", "shutting-down");
        runInstances("eu-west-1", 4, "i-b");                                             // i-a shutting down still counts
        lifecycleCall("TerminateInstances", "eu-west-1", 5, "i-b", "pending", "shutting-down");

        assertThat(read()).extracting(d -> d.path("instance_id").asText() + " " + d.path("trigger").asText() + " "
                        + d.path("state").asText() + " " + d.path("action").asText() + " " + d.path("num_instances").asInt())
                .containsExactly("i-a RunInstances pending ALLOW 1", "i-a StartInstances pending ALLOW 1",
                        "i-b RunInstances pending DELETE 2");
    }

    /** raw.cloudtrail → CloudTrailTopology (the seed's pattern) → cloudtrail.ec2 → the enforcer, as the app wires them. */
    private List<JsonNode> throughCloudTrail(Properties props, String... records) {
        StreamsBuilder builder = new StreamsBuilder();
        CloudTrailTopology.addTo(builder, CloudTrailTopology.Config.from(props), GeoLookup.none());
        Ec2EnforcerTopology.addTo(builder, Ec2EnforcerTopology.Config.from(props), null, Clock.fixed(DECIDED, ZoneOffset.UTC));
        driver = new TopologyTestDriver(builder.build());
        TestInputTopic<String, String> raw = driver.createInputTopic("raw.cloudtrail", Serdes.String().serializer(), Serdes.String().serializer());
        for (String record : records) {
            raw.pipeInput("r", record);
        }
        assertThat(driver.createOutputTopic("dlq.cloudtrail", Serdes.String().deserializer(), Serdes.String().deserializer()).isEmpty()).isTrue();
        assertThat(driver.createOutputTopic("dlq.ec2-enforcer", Serdes.String().deserializer(), Serdes.String().deserializer()).isEmpty()).isTrue();
        return driver.createOutputTopic("ec2.enforcement", Serdes.String().deserializer(), Serdes.String().deserializer())
                .readValuesToList().stream().map(Ec2EnforcerTopologyTest::tree).toList();
    }

    private String resource(String name) throws IOException {
        try (var in = getClass().getResourceAsStream("/cloudtrail/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRunInstancesRecordFlowsFromRawCloudTrailThroughTheMatcherToOneDecision() throws IOException {
        // no configuration: fail closed
        List<JsonNode> out = throughCloudTrail(new Properties(), resource("run-instances-record.json"));
        assertThat(out).hasSize(1);
        JsonNode d = out.get(0);
        assertThat(d.path("instance_id").asText()).isEqualTo("i-0bbb0000000000001");
        assertThat(d.path("action").asText()).isEqualTo("DELETE");
        assertThat(d.path("state").asText()).as("the item's instanceState").isEqualTo("pending");
        assertThat(d.path("trigger").asText()).isEqualTo("RunInstances");
        assertThat(d.path("region").asText()).as("the call's awsRegion").isEqualTo("eu-west-1");
        assertThat(d.path("instance_type").asText()).isEqualTo("t3.micro");
        assertThat(d.path("account").asText()).isEqualTo("111122223333");
        assertThat(d.path("event_time").asText()).isEqualTo("2026-11-02T08:15:30Z");
        assertThat(d.path("timestamp").asText()).isEqualTo("2026-11-02T12:34:56Z");
    }

    @Test
    void aRunInstancesOfTwoInstancesIsTwoDecisions() throws IOException {
        // MinCount = MaxCount = 2: one record, one response item per launched instance (amiLaunchIndex 0 and 1)
        ObjectNode record = (ObjectNode) JSON.readTree(resource("run-instances-record.json"));
        ObjectNode asked = (ObjectNode) record.at("/requestParameters/instancesSet/items/0");
        asked.put("minCount", 2).put("maxCount", 2);
        ArrayNode items = (ArrayNode) record.at("/responseElements/instancesSet/items");
        ObjectNode second = items.get(0).deepCopy();
        second.put("instanceId", "i-0bbb0000000000002").put("amiLaunchIndex", 1).put("privateIpAddress", "10.0.1.18");
        items.add(second);

        Properties props = new Properties();
        props.setProperty("ec2.enforcer.allowed.regions", "eu-west-1");
        List<JsonNode> out = throughCloudTrail(props, record.toString());
        assertThat(out).extracting(d -> d.path("instance_id").asText() + " " + d.path("action").asText() + " "
                        + d.path("num_instances").asInt() + " " + d.path("region").asText() + " " + d.path("instance_type").asText())
                .containsExactly("i-0bbb0000000000001 ALLOW 1 eu-west-1 t3.micro", "i-0bbb0000000000002 DELETE 2 eu-west-1 t3.micro");
    }

    @Test
    void awsOwnRunInstancesRecordIsOneDecision() throws IOException {
        // requestParameters and responseElements as AWS's incident response playbook prints them (aws-docs/README.md)
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.allowed.regions", "us-east-1");
        props.setProperty("ec2.enforcer.max.instances", "4");
        List<JsonNode> out = throughCloudTrail(props, resource("aws-docs/ec2-run-instances-ir-playbook.json"));
        assertThat(out).extracting(d -> d.path("instance_id").asText() + " " + d.path("action").asText() + " "
                        + d.path("num_instances").asInt() + " " + d.path("region").asText() + " " + d.path("instance_type").asText()
                        + " " + d.path("account").asText() + " " + d.path("event_time").asText())
                .containsExactly("i-0ba42452619fc45aa ALLOW 1 us-east-1 t2.nano 999999999999 2021-07-29T01:39:30Z");
    }

    private static String header(TestRecord<String, String> r) {
        return new String(r.headers().lastHeader(SecpipeHeaders.ID).value(), StandardCharsets.UTF_8);
    }

    private static JsonNode tree(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
