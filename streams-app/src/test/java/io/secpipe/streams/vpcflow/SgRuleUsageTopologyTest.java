package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SgRuleUsageTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> enriched;
    private TestOutputTopic<String, String> usage;

    @BeforeEach
    void start() throws Exception {
        Properties props = new Properties();
        props.setProperty("sgusage.window", "PT1M");
        props.setProperty("sgusage.grace", "PT0S");
        props.setProperty("sgusage.report.interval", "PT10M");
        props.setProperty("sgusage.report.lookback", "PT1H");
        props.setProperty("sgusage.partitions", "1");
        StreamsBuilder builder = new StreamsBuilder();
        SgRuleUsageTopology.addTo(builder, SgRuleUsageTopology.Config.from(props));
        driver = new TopologyTestDriver(builder.build(), new Properties(), T0.plusSeconds(300));
        enriched = driver.createInputTopic("vpcflow.enriched", Serdes.String().serializer(), Serdes.String().serializer());
        usage = driver.createOutputTopic("sg.rule-usage", Serdes.String().deserializer(), Serdes.String().deserializer());
        TestInputTopic<String, String> groups = driver.createInputTopic("ref.security-groups", Serdes.String().serializer(), Serdes.String().serializer());
        groups.pipeInput("sg-0f00000000000000a", Files.readString(Path.of("src/test/resources/vpcflow/sg-web-public.json")));
        groups.pipeInput("sg-0f00000000000000c", "{\"group_id\":\"sg-0f00000000000000c\",\"group_name\":\"internal\",\"ingress\":["
                + "{\"protocol\":\"tcp\",\"from_port\":443,\"to_port\":443,\"ipv4_ranges\":[\"10.0.0.0/8\"],\"ipv6_ranges\":[],"
                + "\"referenced_group_ids\":[],\"prefix_list_ids\":[]}],\"egress\":[]}");
        groups.pipeInput("sg-idle", "{\"group_id\":\"sg-idle\",\"group_name\":\"idle\",\"ingress\":[{\"protocol\":\"udp\",\"from_port\":53,"
                + "\"to_port\":53,\"ipv4_ranges\":[\"10.0.0.0/8\"],\"ipv6_ranges\":[],\"referenced_group_ids\":[],\"prefix_list_ids\":[\"pl-1\"]}]}");
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void flow(long seconds, String src, int dstport, String action, String direction, String peers) {
        enriched.pipeInput("eni-web", "{\"@timestamp\":\"" + T0.plusSeconds(seconds) + "\",\"interface_id\":\"eni-web\",\"srcaddr\":\"" + src
                + "\",\"dstaddr\":\"10.20.1.10\",\"dstport\":" + dstport + ",\"protocol\":6,\"packets\":3,\"bytes\":300,\"action\":\"" + action
                + "\",\"direction\":\"" + direction + "\",\"security_group_ids\":[\"sg-0f00000000000000a\",\"sg-0f00000000000000c\"]"
                + (peers == null ? "" : ",\"peer_security_group_ids\":[" + peers + "]") + "}");
    }

    @Test
    void attributesAcceptedInboundFlowsToRulesOfEveryGroupPerWindow() {
        flow(1, "10.20.5.5", 443, "ACCEPT", "inbound", null);       // allowed by a rule in each group
        flow(2, "81.2.69.142", 443, "ACCEPT", "inbound", null);     // only 0.0.0.0/0 of the web group
        flow(3, "10.20.2.5", 8081, "ACCEPT", "inbound", "\"sg-0f00000000000000b\""); // the load balancer's group
        flow(4, "10.20.5.5", 443, "REJECT", "inbound", null);       // not counted: rejected
        flow(5, "10.20.5.5", 443, "ACCEPT", "outbound", null);      // not counted: outbound
        flow(61, "10.20.5.5", 443, "ACCEPT", "inbound", null);      // next window: closes the first

        Map<String, String> out = new TreeMap<>();
        usage.readKeyValuesToList().forEach(kv -> out.put(kv.key, kv.value.replaceAll("\"window_end\":\"[^\"]+\",", "")));
        assertThat(out).containsOnlyKeys(
                "sg-0f00000000000000a/tcp/443-443/0.0.0.0/0|2026-11-01T10:00:00Z",
                "sg-0f00000000000000a/tcp/8080-8090/sg-0f00000000000000b|2026-11-01T10:00:00Z",
                "sg-0f00000000000000c/tcp/443-443/10.0.0.0/8|2026-11-01T10:00:00Z");
        assertThat(out.get("sg-0f00000000000000a/tcp/443-443/0.0.0.0/0|2026-11-01T10:00:00Z")).isEqualTo(
                "{\"@timestamp\":\"2026-11-01T10:00:00Z\",\"type\":\"rule_hits\",\"group_id\":\"sg-0f00000000000000a\","
                        + "\"group_name\":\"web-public\",\"vpc_id\":\"vpc-0d00000000000000f\",\"rule_id\":\"sg-0f00000000000000a/tcp/443-443/0.0.0.0/0\","
                        + "\"protocol\":\"tcp\",\"from_port\":443,\"to_port\":443,\"source\":\"0.0.0.0/0\",\"source_kind\":\"ipv4\","
                        + "\"flows\":2,\"bytes\":600,\"packets\":6}");
        assertThat(out.get("sg-0f00000000000000c/tcp/443-443/10.0.0.0/8|2026-11-01T10:00:00Z")).contains("\"flows\":1,\"bytes\":300");
        assertThat(out.get("sg-0f00000000000000a/tcp/8080-8090/sg-0f00000000000000b|2026-11-01T10:00:00Z"))
                .contains("\"source_kind\":\"group\"", "\"flows\":1");
    }

    @Test
    void reportsUnusedRulesAndGroupsWithoutTrafficEveryInterval() throws Exception {
        flow(1, "81.2.69.142", 443, "ACCEPT", "inbound", null);
        usage.readKeyValuesToList();
        driver.advanceWallClockTime(Duration.ofMinutes(10));

        List<KeyValue<String, String>> reports = usage.readKeyValuesToList();
        Map<String, JsonNode> byGroup = new TreeMap<>();
        for (KeyValue<String, String> kv : reports) {
            JsonNode doc = JsonSerde.JSON.readTree(kv.value);
            byGroup.put(doc.get("group_id").asText(), doc);
            assertThat(kv.key).isEqualTo("report|" + doc.get("group_id").asText() + "|2026-11-01T10:15:00Z");
        }
        assertThat(byGroup).containsOnlyKeys("sg-0f00000000000000a", "sg-0f00000000000000c", "sg-idle");
        JsonNode web = byGroup.get("sg-0f00000000000000a");
        assertThat(web.get("no_traffic").asBoolean()).isFalse();
        assertThat(web.get("rules_total").asInt()).isEqualTo(4);
        assertThat(web.get("unused_rules").findValuesAsText("rule_id")).containsExactly(
                "sg-0f00000000000000a/tcp/443-443/::/0", "sg-0f00000000000000a/tcp/8080-8090/sg-0f00000000000000b",
                "sg-0f00000000000000a/icmp/8:-1/10.20.0.0/16");
        // the internal group saw the flow (it reached the ENI) but its rule did not allow it
        assertThat(byGroup.get("sg-0f00000000000000c").get("no_traffic").asBoolean()).isFalse();
        JsonNode idle = byGroup.get("sg-idle");
        assertThat(idle.get("candidate_for_removal").asBoolean()).isTrue();
        assertThat(idle.get("rules_total").asInt()).isEqualTo(1); // the prefix-list source is not judged
        assertThat(idle.get("lookback").asText()).isEqualTo("PT1H");

        // an hour and more later without traffic, the web group is a candidate too
        driver.advanceWallClockTime(Duration.ofMinutes(60));
        assertThat(usage.readValuesToList()).anySatisfy(v -> assertThat(v).contains("\"group_id\":\"sg-0f00000000000000a\"", "\"no_traffic\":true"));
    }
}
