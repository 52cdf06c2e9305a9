package io.secpipe.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** Every topology in one app, as the local stack runs it: they must coexist (one source per topic, distinct stores). */
class SecpipeStreamsAppTest {

    @Test
    void theWholeAppBuildsAndEachRawTopicReachesItsOutput() throws Exception {
        Properties props = SecpipeStreamsApp.settings(null, Map.of("SECPIPE_STREAMS_APPLICATION_ID", "whole-app-test"));
        assertThat(props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("whole-app-test");
        assertThat(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        Topology topology = SecpipeStreamsApp.topology(props);
        String described = topology.describe().toString();
        for (String topic : List.of("raw.vpcflow", "vpcflow.enriched", "raw.ossec", "raw.cloudtrail", "cloudtrail.ec2", "ref.eni",
                "ref.security-groups", "ref.instances", "raw.clicks", "ref.users", "raw.sensor")) {
            assertThat(described).as("a source reads " + topic).contains(topic);
        }
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<String, byte[]> flows = driver.createInputTopic("raw.vpcflow", Serdes.String().serializer(), Serdes.ByteArray().serializer());
            TestInputTopic<String, byte[]> alerts = driver.createInputTopic("raw.ossec", Serdes.String().serializer(), Serdes.ByteArray().serializer());
            flows.pipeInput("eni-1", "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 443 6 1 40 1700000000 1700000060 ACCEPT OK"
                    .getBytes(StandardCharsets.UTF_8));
            alerts.pipeInput("agent-1", ("{\"timestamp\":\"2023-11-14T22:13:20.000+0000\",\"rule\":{\"level\":5,\"description\":\"sshd: "
                    + "authentication failed\",\"id\":\"5716\",\"groups\":[\"syslog\",\"sshd\"]},\"agent\":{\"id\":\"001\",\"name\":\"web-1\"},"
                    + "\"full_log\":\"Failed password for root\",\"location\":\"/var/log/auth.log\"}").getBytes(StandardCharsets.UTF_8));
            var enriched = driver.createOutputTopic("vpcflow.enriched", Serdes.String().deserializer(), Serdes.String().deserializer());
            var normalized = driver.createOutputTopic("ossec.alerts", Serdes.String().deserializer(), Serdes.String().deserializer());
            assertThat(enriched.readValue()).contains("\"interface_id\":\"eni-1\"", "\"protocol_name\":\"tcp\"");
            assertThat(normalized.readValue()).contains("\"sidid\":5716").contains("web-1");

            TestInputTopic<String, byte[]> clicks = driver.createInputTopic("raw.clicks", Serdes.String().serializer(), Serdes.ByteArray().serializer());
            var minute = driver.createOutputTopic("clicks.minute", Serdes.String().deserializer(), Serdes.String().deserializer());
            clicks.pipeInput("u-1", "{\"article_id\":\"a-1\",\"user_id\":\"u-1\",\"action\":\"click\",\"timestamp\":\"2026-11-01T10:00:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8));
            clicks.pipeInput("u-1", "{\"article_id\":\"a-1\",\"user_id\":\"u-1\",\"action\":\"click\",\"timestamp\":\"2026-11-01T10:10:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(minute.readKeyValue().key).isEqualTo("[\"unknown\",\"unknown\",\"a-1\"]@2026-11-01T10:00:00Z");
        }
    }
}
