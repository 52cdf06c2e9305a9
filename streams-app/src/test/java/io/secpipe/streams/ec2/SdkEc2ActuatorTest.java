package io.secpipe.streams.ec2;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The SDK actuator against the EC2 Query API on WireMock (form-encoded POST /, XML answers). */
class SdkEc2ActuatorTest {

    private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private final WireMockServer ec2 = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private SdkEc2Actuator actuator;

    @BeforeEach
    void start() {
        ec2.start();
        actuator = new SdkEc2Actuator(URI.create("http://localhost:" + ec2.port()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")));
        ec2.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=ModifyInstanceAttribute"))
                .willReturn(xml(200, "<ModifyInstanceAttributeResponse xmlns=\"" + NS + "\"><requestId>r1</requestId>"
                        + "<return>true</return></ModifyInstanceAttributeResponse>")));
        ec2.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=TerminateInstances"))
                .willReturn(xml(200, "<TerminateInstancesResponse xmlns=\"" + NS + "\"><requestId>r2</requestId><instancesSet><item>"
                        + "<instanceId>i-0bbb0000000000001</instanceId><currentState><code>32</code><name>shutting-down</name></currentState>"
                        + "<previousState><code>16</code><name>running</name></previousState></item></instancesSet></TerminateInstancesResponse>")));
    }

    @AfterEach
    void stop() {
        actuator.close();
        ec2.stop();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml;charset=UTF-8").withBody(body);
    }

    private List<String> bodies() {
        // WireMock lists the newest first
        List<String> bodies = new java.util.ArrayList<>(ec2.getAllServeEvents().stream().map(e -> e.getRequest().getBodyAsString()).toList());
        java.util.Collections.reverse(bodies);
        return bodies;
    }

    @Test
    void clearsTerminationProtectionThenTerminatesSigningForTheRegion() throws Exception {
        actuator.terminate("eu-west-1", "i-0bbb0000000000001");
        List<String> bodies = bodies();
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(0)).contains("Action=ModifyInstanceAttribute", "InstanceId=i-0bbb0000000000001",
                "DisableApiTermination.Value=false");
        assertThat(bodies.get(1)).contains("Action=TerminateInstances", "InstanceId.1=i-0bbb0000000000001");
        assertThat(ec2.getAllServeEvents().get(0).getRequest().getHeader("Authorization")).contains("/eu-west-1/ec2/aws4_request");
    }

    @Test
    void anApiErrorIsThrownWithItsCodeAndNothingIsTerminated() {
        ec2.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=ModifyInstanceAttribute"))
                .willReturn(xml(400, "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized"
                        + "</Message></Error></Errors><RequestID>r3</RequestID></Response>")));
        assertThatThrownBy(() -> actuator.terminate("eu-west-1", "i-0bbb0000000000001"))
                .hasMessage("ModifyInstanceAttribute UnauthorizedOperation: You are not authorized");
        assertThat(bodies()).noneMatch(b -> b.contains("Action=TerminateInstances"));
    }

    @Test
    void theTopologyNeverCallsEc2UnlessEnabled() {
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.max.instances", "0");
        StreamsBuilder builder = new StreamsBuilder();
        Ec2EnforcerTopology.addTo(builder, Ec2EnforcerTopology.Config.from(props), actuator);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            driver.createInputTopic("raw.ec2-events", Serdes.String().serializer(), Serdes.String().serializer())
                    .pipeInput("i-1", "{\"detail-type\":\"EC2 Instance State-change Notification\",\"account\":\"1\","
                            + "\"time\":\"2026-11-02T10:00:00Z\",\"region\":\"eu-west-1\",\"detail\":{\"instance-id\":\"i-1\",\"state\":\"pending\"}}");
            List<String> out = driver.createOutputTopic("ec2.enforcement", Serdes.String().deserializer(), Serdes.String().deserializer())
                    .readValuesToList();
            assertThat(out).singleElement().asString().contains("\"action\":\"DELETE\"");
        }
        assertThat(ec2.getAllServeEvents()).isEmpty();
    }

    @Test
    void enabledTheTopologyTerminatesThroughTheApi() {
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.max.instances", "0");
        props.setProperty("ec2.enforcer.actuator.enabled", "true");
        StreamsBuilder builder = new StreamsBuilder();
        Ec2EnforcerTopology.addTo(builder, Ec2EnforcerTopology.Config.from(props), actuator);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
            driver.createInputTopic("raw.ec2-events", Serdes.String().serializer(), Serdes.String().serializer())
                    .pipeInput("i-1", "{\"detail-type\":\"EC2 Instance State-change Notification\",\"account\":\"1\","
                            + "\"time\":\"2026-11-02T10:00:00Z\",\"region\":\"eu-west-1\",\"detail\":{\"instance-id\":\"i-0bbb0000000000001\",\"state\":\"pending\"}}");
            List<String> out = driver.createOutputTopic("ec2.enforcement", Serdes.String().deserializer(), Serdes.String().deserializer())
                    .readValuesToList();
            // one message per decision, its outcome in it
            assertThat(out).singleElement().asString().contains("\"action\":\"DELETE\"", "\"outcome\":\"terminated\"");
        }
        assertThat(bodies()).anyMatch(b -> b.contains("Action=TerminateInstances"));
    }
}
