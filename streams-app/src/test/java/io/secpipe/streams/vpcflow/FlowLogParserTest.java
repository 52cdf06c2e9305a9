package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowLogParserTest {

    private static final List<String> V2 = FlowLogFormat.DEFAULT_V2;

    @Test
    void parsesEveryV2FieldTyped() throws Exception {
        ObjectNode doc = FlowLogParser.parse(
                "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK", V2);
        assertThat(doc.toString()).isEqualTo("{\"@timestamp\":\"2014-12-14T04:06:50Z\",\"version\":2,"
                + "\"account_id\":\"123456789010\",\"interface_id\":\"eni-1235b8ca123456789\","
                + "\"srcaddr\":\"172.31.16.139\",\"dstaddr\":\"172.31.16.21\",\"srcport\":20641,\"dstport\":22,"
                + "\"protocol\":6,\"packets\":20,\"bytes\":4249,\"start\":1418530010,\"end\":1418530070,"
                + "\"action\":\"ACCEPT\",\"log_status\":\"OK\",\"event\":{\"time_source\":\"start\"}}");
    }

    @Test
    void keepsNoDataAndSkipDataWithTheirStatusAndLeavesDashesOut() throws Exception {
        ObjectNode nodata = FlowLogParser.parse("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA", V2);
        assertThat(nodata.toString()).isEqualTo("{\"@timestamp\":\"2015-05-10T18:01:16Z\",\"version\":2,"
                + "\"account_id\":\"123456789010\",\"interface_id\":\"eni-1235b8ca123456789\","
                + "\"start\":1431280876,\"end\":1431280934,\"log_status\":\"NODATA\",\"event\":{\"time_source\":\"start\"}}");
        ObjectNode skip = FlowLogParser.parse("2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA", V2);
        assertThat(skip.get("log_status").asText()).isEqualTo("SKIPDATA");
        assertThat(skip.has("action")).isFalse();
    }

    @Test
    void parsesIpv6Addresses() throws Exception {
        ObjectNode doc = FlowLogParser.parse("2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 "
                + "2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK", V2);
        assertThat(doc.get("srcaddr").asText()).isEqualTo("2001:db8:1234:a100:8d6e:3477:df66:f105");
        assertThat(doc.get("dstaddr").asText()).isEqualTo("2001:db8:1234:a102:3304:8879:34cf:4071");
        assertThat(FlowLogParser.parse("2 1 eni-1 ::1 fe80::1 1 2 6 1 1 10 20 ACCEPT OK", V2).get("dstaddr").asText()).isEqualTo("fe80::1");
    }

    @Test
    void parsesByFieldNameInAnyOrder() throws Exception {
        List<String> custom = FlowLogFormat.tokens("interface-id flow-direction srcaddr dstaddr start action traffic-path pkt-dst-aws-service");
        ObjectNode doc = FlowLogParser.parse("eni-0a1b egress 10.0.0.5 52.94.3.1 1700000000 ACCEPT 8 S3", custom);
        assertThat(doc.toString()).isEqualTo("{\"@timestamp\":\"2023-11-14T22:13:20Z\",\"interface_id\":\"eni-0a1b\","
                + "\"flow_direction\":\"egress\",\"srcaddr\":\"10.0.0.5\",\"dstaddr\":\"52.94.3.1\",\"start\":1700000000,"
                + "\"action\":\"ACCEPT\",\"traffic_path\":8,\"pkt_dst_aws_service\":\"S3\",\"event\":{\"time_source\":\"start\"}}");
    }

    @Test
    void rejectsALineWithTooFewFields() {
        assertThatThrownBy(() -> FlowLogParser.parse("2 123456789010 eni-1235b8ca123456789 172.31.16.139", V2))
                .isInstanceOf(FlowLogParseException.class)
                .hasMessageStartingWith("expected 14 fields (version account-id interface-id")
                .hasMessageEndingWith("found 4");
    }

    @Test
    void rejectsBadNumbersAddressesAndMissingTime() {
        assertThatThrownBy(() -> FlowLogParser.parse("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 12x 10 20 ACCEPT OK", V2))
                .hasMessage("field 'bytes' is not a non-negative whole number: '12x'");
        assertThatThrownBy(() -> FlowLogParser.parse("2 1 eni-1 10.0.0.300 10.0.0.2 1 2 6 1 1 10 20 ACCEPT OK", V2))
                .hasMessage("field 'srcaddr' is not an IPv4 or IPv6 address: '10.0.0.300'");
        assertThatThrownBy(() -> FlowLogParser.parse("2 1 eni-1 10.0.0.1 1:2:3 1 2 6 1 1 10 20 ACCEPT OK", V2))
                .hasMessage("field 'dstaddr' is not an IPv4 or IPv6 address: '1:2:3'");
        assertThatThrownBy(() -> FlowLogParser.parse("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 - - ACCEPT OK", V2))
                .hasMessage("no start or end time, and no delivery or record time to take instead");
    }
}
