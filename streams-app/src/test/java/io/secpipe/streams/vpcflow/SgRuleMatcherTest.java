package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SgRuleMatcherTest {

    private static JsonNode group(String id, String ingress) throws Exception {
        return JsonSerde.JSON.readTree("{\"group_id\":\"" + id + "\",\"ingress\":[" + ingress + "]}");
    }

    private static String rule(String protocol, Integer from, Integer to, String v4, String v6, String groups) {
        return "{\"protocol\":\"" + protocol + "\"" + (from == null ? "" : ",\"from_port\":" + from + ",\"to_port\":" + to)
                + ",\"ipv4_ranges\":[" + v4 + "],\"ipv6_ranges\":[" + v6 + "],\"referenced_group_ids\":[" + groups + "],\"prefix_list_ids\":[]}";
    }

    private static SgRuleMatcher.Flow flow(String src, int protocol, Integer dstport, Integer type, Integer code, String... peers) {
        return new SgRuleMatcher.Flow(Cidr.address(src), protocol, dstport, type, code, Set.of(peers));
    }

    private static List<String> hits(JsonNode group, SgRuleMatcher.Flow flow) {
        return SgRuleMatcher.matching(SgRuleMatcher.ingressRules(group), flow).stream().map(SgRuleMatcher.Rule::id).toList();
    }

    @Test
    void portRangesAreInclusiveAndProtocolMustMatch() throws Exception {
        JsonNode g = group("sg-1", rule("tcp", 8080, 8090, "\"10.0.0.0/8\"", "", ""));
        assertThat(hits(g, flow("10.1.2.3", 6, 8080, null, null))).containsExactly("sg-1/tcp/8080-8090/10.0.0.0/8");
        assertThat(hits(g, flow("10.1.2.3", 6, 8090, null, null))).hasSize(1);
        assertThat(hits(g, flow("10.1.2.3", 6, 8091, null, null))).isEmpty();
        assertThat(hits(g, flow("10.1.2.3", 6, 8079, null, null))).isEmpty();
        assertThat(hits(g, flow("10.1.2.3", 17, 8080, null, null))).isEmpty();
        assertThat(hits(g, flow("11.1.2.3", 6, 8080, null, null))).isEmpty();
    }

    @Test
    void protocolMinusOneAllowsEverythingAndNumericProtocolsIgnorePorts() throws Exception {
        JsonNode g = group("sg-1", rule("-1", null, null, "\"192.168.0.0/16\"", "", "") + "," + rule("50", null, null, "\"172.16.0.0/12\"", "", ""));
        assertThat(hits(g, flow("192.168.9.9", 17, 53, null, null))).containsExactly("sg-1/-1/all/192.168.0.0/16");
        assertThat(hits(g, flow("192.168.9.9", 47, null, null, null))).hasSize(1);
        assertThat(hits(g, flow("172.16.0.1", 50, null, null, null))).containsExactly("sg-1/50/all/172.16.0.0/12");
        assertThat(hits(g, flow("172.16.0.1", 51, null, null, null))).isEmpty();
    }

    @Test
    void icmpTypeAndCodeWhenKnownAnyWhenNot() throws Exception {
        JsonNode g = group("sg-1", rule("icmp", 8, -1, "\"0.0.0.0/0\"", "", "") + "," + rule("icmp", 3, 4, "\"0.0.0.0/0\"", "", "")
                + "," + rule("icmpv6", -1, -1, "", "\"::/0\"", ""));
        assertThat(hits(g, flow("81.2.69.1", 1, 0, 8, 0))).containsExactly("sg-1/icmp/8:-1/0.0.0.0/0");
        assertThat(hits(g, flow("81.2.69.1", 1, 0, 3, 4))).containsExactly("sg-1/icmp/3:4/0.0.0.0/0");
        assertThat(hits(g, flow("81.2.69.1", 1, 0, 3, 1))).isEmpty();
        assertThat(hits(g, flow("81.2.69.1", 1, 0, 0, 0))).isEmpty();
        // flow logs do not carry type and code: every ICMP rule from the source may have allowed it
        assertThat(hits(g, flow("81.2.69.1", 1, 0, null, null))).hasSize(2);
        assertThat(hits(g, flow("2a02:cf40::1", 58, null, 128, 0))).containsExactly("sg-1/icmpv6/-1:-1/::/0");
        assertThat(hits(g, flow("81.2.69.1", 58, null, 128, 0))).isEmpty();
    }

    @Test
    void ipv6CidrsMatchOnlyIpv6SourcesAndPrefixesAreExact() throws Exception {
        JsonNode g = group("sg-1", rule("tcp", 22, 22, "\"0.0.0.0/0\"", "\"2001:db8:4a1::/48\"", ""));
        assertThat(hits(g, flow("2001:db8:4a1:ffff::1", 6, 22, null, null))).containsExactly("sg-1/tcp/22-22/2001:db8:4a1::/48");
        assertThat(hits(g, flow("2001:db8:4a2::1", 6, 22, null, null))).isEmpty();
        assertThat(hits(g, flow("10.0.0.1", 6, 22, null, null))).containsExactly("sg-1/tcp/22-22/0.0.0.0/0");
        assertThat(Cidr.parse("10.20.0.0/15").contains(Cidr.address("10.21.255.255"))).isTrue();
        assertThat(Cidr.parse("10.20.0.0/15").contains(Cidr.address("10.22.0.0"))).isFalse();
        assertThat(Cidr.parse("10.20.0.0/33")).isNull();
    }

    @Test
    void referencedGroupsMatchThroughTheSourceEnisGroupsOnlyWhenKnown() throws Exception {
        JsonNode g = group("sg-web", rule("tcp", 8080, 8090, "", "", "\"sg-lb\""));
        assertThat(hits(g, flow("10.20.2.5", 6, 8080, null, null, "sg-lb", "sg-other"))).containsExactly("sg-web/tcp/8080-8090/sg-lb");
        assertThat(hits(g, flow("10.20.2.5", 6, 8080, null, null, "sg-other"))).isEmpty();
        assertThat(hits(g, flow("10.20.2.5", 6, 8080, null, null))).isEmpty();
    }

    @Test
    void everyAllowingRuleIsCreditedWithinAGroup() throws Exception {
        JsonNode g = group("sg-1", rule("tcp", 443, 443, "\"0.0.0.0/0\",\"81.2.69.0/24\"", "", "") + "," + rule("tcp", 0, 65535, "\"81.2.0.0/16\"", "", ""));
        assertThat(hits(g, flow("81.2.69.142", 6, 443, null, null)))
                .containsExactly("sg-1/tcp/443-443/0.0.0.0/0", "sg-1/tcp/443-443/81.2.69.0/24", "sg-1/tcp/0-65535/81.2.0.0/16");
    }
}
