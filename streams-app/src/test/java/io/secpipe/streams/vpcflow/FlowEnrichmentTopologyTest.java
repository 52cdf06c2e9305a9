package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
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

/** raw.vpcflow + ref.eni → vpcflow.enriched, with the test GeoIP databases. */
class FlowEnrichmentTopologyTest {

    private static final String WEB = "eni-0a1b2c3d4e5f60001";
    private static final String LB = "eni-0a1b2c3d4e5f60009";

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> raw;
    private TestInputTopic<String, String> enis;
    private TestOutputTopic<String, String> enriched;

    @BeforeEach
    void start() throws Exception {
        Properties props = new Properties();
        props.setProperty("geoip.city.database", "src/test/resources/geo/test-city.mmdb");
        props.setProperty("geoip.asn.database", "src/test/resources/geo/test-asn.mmdb");
        StreamsBuilder builder = new StreamsBuilder();
        FlowLogTopology.addTo(builder, FlowLogTopology.Config.from(props));
        driver = new TopologyTestDriver(builder.build());
        raw = driver.createInputTopic("raw.vpcflow", Serdes.String().serializer(), Serdes.String().serializer());
        enis = driver.createInputTopic("ref.eni", Serdes.String().serializer(), Serdes.String().serializer());
        enriched = driver.createOutputTopic("vpcflow.enriched", Serdes.String().deserializer(), Serdes.String().deserializer());
        enis.pipeInput(WEB, Files.readString(Path.of("src/test/resources/vpcflow/eni-web.json")));
        enis.pipeInput(LB, Files.readString(Path.of("src/test/resources/vpcflow/eni-lb.json")));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private String enrich(String key, String line, String format) {
        RecordHeaders headers = new RecordHeaders();
        if (format != null) {
            headers.add(SecpipeHeaders.FORMAT, format.getBytes(StandardCharsets.UTF_8));
        }
        raw.pipeInput(new TestRecord<>(key, line, headers));
        return enriched.readValue();
    }

    @Test
    void inboundFromTheInternetGetsTheInterfacesPlacementGroupsAndSourceGeo() {
        assertThat(enrich(WEB, "2 111122223333 " + WEB + " 81.2.69.142 10.20.1.10 51234 443 6 10 840 1700000000 1700000060 ACCEPT OK", null))
                .isEqualTo("{\"@timestamp\":\"2023-11-14T22:13:20Z\",\"version\":2,\"account_id\":\"111122223333\","
                        + "\"interface_id\":\"" + WEB + "\",\"srcaddr\":\"81.2.69.142\",\"dstaddr\":\"10.20.1.10\",\"srcport\":51234,"
                        + "\"dstport\":443,\"protocol\":6,\"packets\":10,\"bytes\":840,\"start\":1700000000,\"end\":1700000060,"
                        + "\"action\":\"ACCEPT\",\"log_status\":\"OK\",\"event\":{\"time_source\":\"start\"},\"vpc_id\":\"vpc-0d00000000000000f\","
                        + "\"subnet_id\":\"subnet-0b00000000000000e\",\"instance_id\":\"i-0aaa0000000000001\","
                        + "\"security_group_ids\":[\"sg-0f00000000000000a\",\"sg-0f00000000000000c\"],\"direction\":\"inbound\","
                        + "\"protocol_name\":\"tcp\",\"src_geo\":{\"country_iso_code\":\"GB\",\"country_name\":\"United Kingdom\","
                        + "\"region_iso_code\":\"ENG\",\"region_name\":\"England\",\"city_name\":\"Testbury\",\"location\":{\"lat\":51.5142,\"lon\":-0.0931},\"asn\":64512,"
                        + "\"as_org\":\"Test Carrier One\"}}");
    }

    @Test
    void outboundToTheInternetOverIpv6GetsDestinationGeo() {
        // the ENI lists 2001:db8:4a1:7b00::10; the line spells it out in full: still one address
        String out = enrich(WEB, "2 111122223333 " + WEB + " 2001:db8:4a1:7b00:0:0:0:10 2a02:cf40::7 40000 53 17 1 70 1700000000 1700000060 ACCEPT OK", null);
        assertThat(out).contains("\"direction\":\"outbound\"", "\"protocol_name\":\"udp\"",
                "\"dst_geo\":{\"country_iso_code\":\"DE\",\"country_name\":\"Germany\",\"region_iso_code\":\"BE\",\"region_name\":\"Berlin\",\"city_name\":\"Testburg\","
                        + "\"location\":{\"lat\":52.52,\"lon\":13.405},\"asn\":64514,\"as_org\":\"Test Carrier Six\"}")
                .doesNotContain("src_geo");
    }

    @Test
    void namesTheEniAtTheOtherEndAndItsGroups() {
        String out = enrich(WEB, "2 111122223333 " + WEB + " 10.20.2.5 10.20.1.11 40000 8080 6 5 400 1700000000 1700000060 ACCEPT OK", null);
        assertThat(out).contains("\"direction\":\"inbound\"", "\"peer_interface_id\":\"" + LB + "\"",
                "\"peer_security_group_ids\":[\"sg-0f00000000000000b\"]").doesNotContain("_geo");
    }

    @Test
    void theFlowDirectionFieldWinsAndTheLinesOwnPlacementIsKept() {
        String out = enrich(WEB, "ingress " + WEB + " vpc-other subnet-own 10.20.1.10 81.2.69.142 1700000000 ACCEPT",
                "flow-direction interface-id vpc-id subnet-id srcaddr dstaddr start action");
        // by addresses this would be outbound; AWS's own field says ingress
        assertThat(out).contains("\"direction\":\"inbound\"", "\"vpc_id\":\"vpc-other\"", "\"subnet_id\":\"subnet-own\"",
                "\"instance_id\":\"i-0aaa0000000000001\"", "\"dst_geo\":{");
    }

    @Test
    void anUnknownInterfaceKeepsTheFlowWithoutDirectionOrGroups() {
        String out = enrich("eni-unknown", "2 111122223333 eni-unknown 10.9.9.9 10.9.9.8 1 2 47 1 100 1700000000 1700000060 REJECT OK", null);
        assertThat(out).contains("\"protocol_name\":\"gre\"").doesNotContain("direction", "security_group_ids", "vpc_id");
    }

    @Test
    void anEniChangeReachesFlowsAfterTheIndexRefresh() {
        enis.pipeInput(LB, (String) null); // the load balancer's ENI is deleted
        assertThat(enrich(WEB, "2 111122223333 " + WEB + " 10.20.2.5 10.20.1.11 40000 8080 6 5 400 1700000000 1700000060 ACCEPT OK", null))
                .doesNotContain("peer_");
        enis.pipeInput(LB, "{\"interface_id\":\"" + LB + "\",\"vpc_id\":\"vpc-0d00000000000000f\",\"private_ips\":[\"10.20.2.5\"],"
                + "\"security_group_ids\":[\"sg-new\"]}");
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(30));
        assertThat(enrich(WEB, "2 111122223333 " + WEB + " 10.20.2.5 10.20.1.11 40000 8080 6 5 400 1700000000 1700000060 ACCEPT OK", null))
                .contains("\"peer_security_group_ids\":[\"sg-new\"]");
    }
}
