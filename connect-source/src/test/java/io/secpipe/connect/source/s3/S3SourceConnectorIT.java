package io.secpipe.connect.source.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.secpipe.connect.source.ConnectCluster.header;
import static io.secpipe.connect.source.ConnectCluster.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.secpipe.connect.source.ConnectCluster;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 source in a real Connect worker against S3Mock (listing mode) and WireMock's SQS (notification mode). */
@Timeout(300)
class S3SourceConnectorIT {

    private static final String BUCKET = "flow-logs";
    private static final String PREFIX = "AWSLogs/123456789012/vpcflowlogs/eu-west-1/";
    private static S3Mock s3mock;
    private static S3Client s3;
    private ConnectCluster cluster;

    @BeforeAll
    static void startS3() throws Exception {
        s3mock = new S3Mock(BUCKET);
        s3 = s3mock.client();
        System.setProperty("aws.accessKeyId", S3Mock.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Mock.SECRET_KEY);
    }

    @AfterAll
    static void stopS3() {
        s3mock.close();
    }

    @BeforeEach
    void start() {
        cluster = new ConnectCluster("s3-source");
        cluster.connect().kafka().createTopic("raw.vpcflow", 2);
        cluster.connect().kafka().createTopic("dlq.vpcflow", 1);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Map<String, String> config() {
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.NAME_CONFIG, "flows");
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, S3SourceConnector.class.getName());
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, ByteArrayConverter.class.getName());
        config.put("s3.bucket", BUCKET);
        config.put("s3.prefixes", PREFIX);
        config.put("s3.path.style.access", "true");
        config.put("aws.region", "us-east-1");
        config.put("aws.endpoint.override", s3mock.endpoint());
        config.put("topic", "raw.vpcflow");
        config.put("errors.topic", "dlq.vpcflow");
        config.put("framing", "flowlog");
        config.put("batch.size", "100");
        config.put("poll.interval.ms", "500");
        return config;
    }

    /** A flow-log file as VPC Flow Logs writes it to S3: gzip, a header line, then {@code lines} records. */
    private static byte[] flowLogObject(int lines, int seed) throws IOException {
        StringBuilder text = new StringBuilder("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n");
        for (int i = 1; i <= lines; i++) {
            text.append("2 123456789012 eni-0").append(seed).append(" 10.0.0.1 10.0.0.2 ").append(1000 + i)
                    .append(" 443 6 1 ").append(i).append(" 1700000000 1700000060 ACCEPT OK\n");
        }
        return gzip(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    @Test
    void readsObjectsInKeyOrderAcrossARestartAndReportsATruncatedObject() throws Exception {
        String first = PREFIX + "2026/11/01/a.log.gz";
        String broken = PREFIX + "2026/11/01/b.log.gz";
        String second = PREFIX + "2026/11/01/c.log.gz";
        put(first, flowLogObject(1500, 1));
        byte[] whole = flowLogObject(800, 2);
        put(broken, Arrays.copyOf(whole, whole.length / 2)); // cut off mid-stream, as an interrupted upload would be
        put(second, flowLogObject(1500, 3));

        cluster.connect().configureConnector("flows", config());
        cluster.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning("flows", 1, "connector did not start");
        cluster.connect().kafka().consume(500, 60_000, "raw.vpcflow");
        cluster.connect().restartConnectorAndTasks("flows", false, true, false);
        cluster.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning("flows", 1, "connector did not restart");
        String later = PREFIX + "2026/11/02/a.log.gz";
        put(later, flowLogObject(10, 4)); // written after the connector listed the prefix

        List<ConsumerRecord<byte[], byte[]>> dead = cluster.readCommitted(1, "dlq.vpcflow");
        int fromBroken = 0;
        List<ConsumerRecord<byte[], byte[]>> records = cluster.readCommitted(3010, "raw.vpcflow");
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            seen.merge(header(record, SecpipeHeaders.SOURCE), 1, Integer::sum);
            if (header(record, SecpipeHeaders.SOURCE).contains("/b.log.gz#")) {
                fromBroken++;
            }
        }
        assertThat(seen.values()).as("no record twice").containsOnly(1);
        for (String key : List.of(first, second)) {
            for (int line = 2; line <= 1501; line++) { // line 1 is the header
                assertThat(seen).containsKey(SourcePosition.ofS3Object(BUCKET, key, line).uri());
            }
        }
        for (int line = 2; line <= 11; line++) {
            assertThat(seen).containsKey(SourcePosition.ofS3Object(BUCKET, later, line).uri());
        }
        assertThat(records).hasSize(3010 + fromBroken);
        assertThat(fromBroken).as("the lines before the cut arrive").isBetween(1, 799);

        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), SecpipeHeaders.SOURCE)).isEqualTo(SourcePosition.ofS3Object(BUCKET, broken, fromBroken + 2).uri());
        assertThat(header(dead.get(0), SecpipeHeaders.ERROR_MESSAGE)).startsWith("object unreadable after position " + (fromBroken + 1));
        assertThat(header(dead.get(0), SecpipeHeaders.ERROR_STAGE)).isEqualTo("s3-source");

        ConsumerRecord<byte[], byte[]> one = records.stream()
                .filter(r -> header(r, SecpipeHeaders.SOURCE).equals(SourcePosition.ofS3Object(BUCKET, first, 2).uri())).findFirst().orElseThrow();
        assertThat(text(one.key())).isEqualTo("eni-01");
        assertThat(text(one.value())).isEqualTo("2 123456789012 eni-01 10.0.0.1 10.0.0.2 1001 443 6 1 1 1700000000 1700000060 ACCEPT OK");
        assertThat(header(one, SecpipeHeaders.FORMAT)).startsWith("version account-id interface-id");
        assertThat(header(one, SecpipeHeaders.ID)).isEqualTo(SourcePosition.ofS3Object(BUCKET, first, 2).documentId());
        // the object's LastModified is the delivery time of each of its records
        String lastModified = s3.headObject(b -> b.bucket(BUCKET).key(first)).lastModified().toString();
        assertThat(records).filteredOn(r -> header(r, SecpipeHeaders.SOURCE).contains("/a.log.gz#") && header(r, SecpipeHeaders.SOURCE).contains("/01/"))
                .hasSize(1500).allSatisfy(r -> assertThat(header(r, SecpipeHeaders.DELIVERY_TIME)).isEqualTo(lastModified));
        cluster.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning("flows", 1, "the task must stay RUNNING");
    }

    @Test
    void sqsModeReadsAnnouncedObjectsAndDeletesTheNotificationAfterTheRecordsAreCommitted() throws Exception {
        String key = "announced/2026/11/03/flows of the day.log.gz"; // outside PREFIX: the listing test must not see it
        put(key, flowLogObject(20, 5));
        WireMockServer sqs = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        sqs.start();
        try {
            String notification = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                    + "\"s3\":{\"bucket\":{\"name\":\"" + BUCKET + "\"},\"object\":{\"key\":\""
                    + key.replace(" ", "+") + "\",\"size\":100}}}]}";
            String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(notification.getBytes(StandardCharsets.UTF_8))); // real SQS sends it, and the SDK checks it
            String received = "{\"Messages\":[{\"MessageId\":\"m-1\",\"ReceiptHandle\":\"handle-1\",\"MD5OfBody\":\"" + md5
                    + "\",\"Body\":" + com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(notification)
                    + ",\"Attributes\":{\"SentTimestamp\":\"1700000000000\"}}]}";
            sqs.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSQS.ReceiveMessage"))
                    .inScenario("queue").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("drained")
                    .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.0").withBody(received)));
            sqs.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSQS.ReceiveMessage"))
                    .inScenario("queue").whenScenarioStateIs("drained")
                    .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.0").withBody("{\"Messages\":[]}")));
            sqs.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSQS.DeleteMessage"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.0").withBody("{}")));

            Map<String, String> config = config();
            config.put("sqs.queue.url", sqs.baseUrl() + "/123456789012/flow-log-objects");
            config.put("sqs.wait.time.seconds", "1");
            config.put("sqs.endpoint.override", sqs.baseUrl());
            cluster.connect().configureConnector("flows", config);

            List<ConsumerRecord<byte[], byte[]>> records = cluster.readCommitted(20, "raw.vpcflow");
            assertThat(records).extracting(r -> header(r, SecpipeHeaders.SOURCE))
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(2, 21)
                            .mapToObj(line -> SourcePosition.ofS3Object(BUCKET, key, line).uri()).toList());
            long deadline = System.currentTimeMillis() + 30_000;
            while (sqs.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSQS.DeleteMessage"))).isEmpty()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            sqs.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSQS.DeleteMessage"))
                    .withRequestBody(containing("handle-1")));
            sqs.verify(moreThanOrExactly(1), postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSQS.ReceiveMessage")));
        } finally {
            sqs.stop();
        }
    }

    @Test
    void validateNamesTheBadKeys() {
        Map<String, String> config = config();
        config.put("s3.bucket", "s3://flow-logs/AWSLogs");
        config.remove("topic");
        ConfigInfos result = cluster.connect().validateConnectorConfig(S3SourceConnector.class.getSimpleName(), config);
        List<String> errors = result.configs().stream().filter(c -> !c.configValue().errors().isEmpty())
                .map(c -> c.configValue().name()).toList();
        assertThat(errors).containsExactlyInAnyOrder("s3.bucket", "topic");
        assertThat(result.configs().stream().filter(c -> c.configValue().name().equals("s3.bucket")).findFirst().orElseThrow()
                .configValue().errors().get(0)).contains("give the name, not s3://");
    }
}
