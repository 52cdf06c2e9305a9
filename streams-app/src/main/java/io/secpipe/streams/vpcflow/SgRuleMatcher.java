package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which inbound rules of a security group allow a flow. A ref.security-groups rule (one AWS IP
 * permission) lists several sources; each (permission, source) pair is one rule here, as the console
 * shows them, so an unused CIDR in a permission shows up on its own.
 *
 * <p>Prefix-list sources cannot be evaluated (their CIDRs are not in the inventory): they never match.
 */
public final class SgRuleMatcher {

    public enum SourceKind { IPV4, IPV6, GROUP, PREFIX_LIST }

    /**
     * One rule. {@code protocol} is the IANA number or -1 for all (-2 unknown, never matches); for TCP and
     * UDP the ports are a range, for ICMP and ICMPv6 {@code fromPort} is the type and {@code toPort} the
     * code (-1 any); {@code id} is {@code group/protocol/ports/source}, stable while the rule exists.
     */
    public record Rule(String id, String groupId, String protocolText, int protocol, int fromPort, int toPort,
                       SourceKind kind, String source, Cidr cidr) {
    }

    /**
     * The flow, as far as rules look at it. {@code icmpType}/{@code icmpCode} are null when unknown:
     * VPC flow logs do not record them, so an ICMP rule's type/code restriction is then taken as met
     * (better an over-attributed hit than a rule wrongly reported unused).
     */
    public record Flow(byte[] source, int protocol, Integer dstport, Integer icmpType, Integer icmpCode, Set<String> peerGroups) {
    }

    private SgRuleMatcher() {
    }

    public static List<Rule> ingressRules(JsonNode group) {
        String groupId = group.path("group_id").asText(null);
        List<Rule> rules = new ArrayList<>();
        for (JsonNode permission : group.path("ingress")) {
            String protocolText = permission.path("protocol").asText("-1");
            int protocol = IanaProtocols.ruleProtocol(protocolText);
            int from = permission.path("from_port").asInt(-1);
            int to = permission.path("to_port").asInt(-1);
            String ports = protocol == -1 ? "all" : protocol == 1 || protocol == 58 ? from + ":" + to
                    : protocol == 6 || protocol == 17 ? from + "-" + to : "all";
            String prefix = groupId + "/" + protocolText + "/" + ports + "/";
            for (JsonNode s : permission.path("ipv4_ranges")) {
                rules.add(new Rule(prefix + s.asText(), groupId, protocolText, protocol, from, to, SourceKind.IPV4, s.asText(), Cidr.parse(s.asText())));
            }
            for (JsonNode s : permission.path("ipv6_ranges")) {
                rules.add(new Rule(prefix + s.asText(), groupId, protocolText, protocol, from, to, SourceKind.IPV6, s.asText(), Cidr.parse(s.asText())));
            }
            for (JsonNode s : permission.path("referenced_group_ids")) {
                rules.add(new Rule(prefix + s.asText(), groupId, protocolText, protocol, from, to, SourceKind.GROUP, s.asText(), null));
            }
            for (JsonNode s : permission.path("prefix_list_ids")) {
                rules.add(new Rule(prefix + s.asText(), groupId, protocolText, protocol, from, to, SourceKind.PREFIX_LIST, s.asText(), null));
            }
        }
        return rules;
    }

    /** Every rule that allows the flow (AWS does not say which one did when several do: all are credited). */
    public static List<Rule> matching(List<Rule> rules, Flow flow) {
        List<Rule> hits = new ArrayList<>();
        for (Rule rule : rules) {
            if (protocolAndPorts(rule, flow) && source(rule, flow)) {
                hits.add(rule);
            }
        }
        return hits;
    }

    private static boolean protocolAndPorts(Rule rule, Flow flow) {
        if (rule.protocol() == -1) {
            return true;
        }
        if (rule.protocol() != flow.protocol()) {
            return false;
        }
        return switch (rule.protocol()) {
            case 6, 17 -> rule.fromPort() < 0 || flow.dstport() != null
                    && flow.dstport() >= rule.fromPort() && flow.dstport() <= (rule.toPort() < 0 ? 65535 : rule.toPort());
            case 1, 58 -> (rule.fromPort() < 0 || flow.icmpType() == null || flow.icmpType() == rule.fromPort())
                    && (rule.toPort() < 0 || flow.icmpCode() == null || flow.icmpCode() == rule.toPort());
            default -> true;
        };
    }

    private static boolean source(Rule rule, Flow flow) {
        return switch (rule.kind()) {
            case IPV4, IPV6 -> rule.cidr() != null && rule.cidr().contains(flow.source());
            case GROUP -> flow.peerGroups().contains(rule.source());
            case PREFIX_LIST -> false;
        };
    }
}
