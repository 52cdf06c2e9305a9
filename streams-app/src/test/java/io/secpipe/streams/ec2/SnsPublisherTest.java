package io.secpipe.streams.ec2;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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

/** SNS's Query API on WireMock: a SigV4-signed form POST, an XML answer. */
class SnsPublisherTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:ec2-enforcement";
    private final WireMockServer sns = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    @BeforeEach
    void start() {
        sns.start();
        sns.stubFor(post(urlPathEqualTo("/")).withRequestBody(containing("Action=Publish"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                                + "<MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>"
                                + "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></PublishResponse>")));
    }

    @AfterEach
    void stop() {
        sns.stop();
    }

    private URI url() {
        return URI.create("http://localhost:" + sns.port() + "/");
    }

    @Test
    void publishesASignedFormPostAndReturnsTheMessageId() throws Exception {
        SnsPublisher publisher = new SnsPublisher(TOPIC, url(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")));
        String id = publisher.publish("{\"action\":\"DELETE\",\"reason\":\"a & b = c\"}");

        assertThat(id).isEqualTo("94f20ce6-13c5-43a0-9a9e-ca52d816e90b");
        LoggedRequest request = sns.getAllServeEvents().get(0).getRequest();
        assertThat(request.getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/us-east-1/sns/aws4_request", "SignedHeaders=", "Signature=");
        assertThat(request.getHeader("X-Amz-Date")).isNotBlank();
        String body = URLDecoder.decode(request.getBodyAsString(), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("Action=Publish&TopicArn=" + TOPIC
                + "&Message={\"action\":\"DELETE\",\"reason\":\"a & b = c\"}&Version=2010-03-31");
    }

    @Test
    void anErrorAnswerIsAnException() {
        sns.stubFor(post(urlPathEqualTo("/")).willReturn(aResponse().withStatus(403)
                .withBody("<ErrorResponse><Error><Code>AuthorizationError</Code></Error></ErrorResponse>")));
        SnsPublisher publisher = new SnsPublisher(TOPIC, url(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")));
        assertThatThrownBy(() -> publisher.publish("x")).isInstanceOf(IOException.class)
                .hasMessageContaining("403").hasMessageContaining("AuthorizationError");
        assertThatThrownBy(() -> new SnsPublisher("arn:aws:sqs:us-east-1:1:q", url(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEnforcerPublishesEveryDecisionAsTheSeedDidWhenATopicIsConfigured() {
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.allowed.regions", "us-east-1");
        assertThat(publishedForTwoLaunches(props)).extracting(m -> m.replaceAll(".*\"action\":\"([A-Z]+)\",\"instance_id\":\"(i-\\d)\".*", "$2 $1"))
                .containsExactlyInAnyOrder("i-1 ALLOW", "i-2 DELETE");
    }

    @Test
    void theEnforcerCanPublishDeletesOnly() {
        Properties props = new Properties();
        props.setProperty("ec2.enforcer.allowed.regions", "us-east-1");
        props.setProperty("ec2.enforcer.sns.actions", "DELETE");
        assertThat(publishedForTwoLaunches(props)).singleElement().asString()
                .contains("\"action\":\"DELETE\"", "\"instance_id\":\"i-2\"").doesNotContain("ALLOW");
    }

    /** Two launches in us-east-1 with the maximum at its default of 1: ALLOW, then DELETE. */
    private List<String> publishedForTwoLaunches(Properties props) {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "secret");
        try {
            props.setProperty("ec2.enforcer.sns.topic.arn", TOPIC);
            props.setProperty("ec2.enforcer.sns.endpoint", url().toString());
            StreamsBuilder builder = new StreamsBuilder();
            Ec2EnforcerTopology.addTo(builder, Ec2EnforcerTopology.Config.from(props), null);
            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build())) {
                var in = driver.createInputTopic("raw.ec2-events", Serdes.String().serializer(), Serdes.String().serializer());
                for (String id : List.of("i-1", "i-2")) {
                    in.pipeInput(id, "{\"detail-type\":\"EC2 Instance State-change Notification\",\"account\":\"1\","
                            + "\"time\":\"2026-11-02T10:00:00Z\",\"region\":\"us-east-1\",\"detail\":{\"instance-id\":\"" + id
                            + "\",\"state\":\"pending\"}}");
                }
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        return sns.getAllServeEvents().stream()
                .map(e -> URLDecoder.decode(e.getRequest().getBodyAsString(), StandardCharsets.UTF_8)).toList();
    }
}
