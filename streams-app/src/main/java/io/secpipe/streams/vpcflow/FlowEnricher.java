package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.geo.GeoLookup;
import java.util.List;

/**
 * Adds to a parsed flow what the line does not say: the interface's VPC, subnet, instance and security
 * groups (from its ref.eni document), the direction, the protocol's name, the ENI at the other end when
 * the inventory knows it, and where public addresses are.
 *
 * <p>Added fields: {@code vpc_id}, {@code subnet_id}, {@code instance_id} (only when the line lacks them),
 * {@code security_group_ids}, {@code direction} (inbound/outbound), {@code protocol_name},
 * {@code peer_interface_id}, {@code peer_security_group_ids}, {@code src_geo}, {@code dst_geo}.
 *
 * <p>A flow without an interface (a transit gateway's; a custom format that left {@code interface-id} out and
 * whose interface ref.eni does not know) gets what the line itself allows: the direction from
 * {@code flow-direction}, the protocol's name and geo.
 */
public final class FlowEnricher {

    private final GeoLookup geo;

    public FlowEnricher(GeoLookup geo) {
        this.geo = geo;
    }

    public ObjectNode enrich(ObjectNode doc, Eni own, EniIndex peers) {
        if (own != null) {
            putIfAbsent(doc, "vpc_id", own.vpcId());
            putIfAbsent(doc, "subnet_id", own.subnetId());
            putIfAbsent(doc, "instance_id", own.instanceId());
            if (!own.securityGroupIds().isEmpty() && !doc.has("security_group_ids")) {
                strings(doc.putArray("security_group_ids"), own.securityGroupIds());
            }
        }
        String src = text(doc, "srcaddr");
        String dst = text(doc, "dstaddr");
        String direction = direction(text(doc, "flow_direction"), own, src, dst);
        if (direction != null) {
            doc.put("direction", direction);
        }
        JsonNode protocol = doc.get("protocol");
        if (protocol != null) {
            String name = IanaProtocols.name(protocol.asLong());
            if (name != null) {
                doc.put("protocol_name", name);
            }
        }
        // the peer is found by the address at the far end of an interface; a flow without an interface (a transit
        // gateway's) has no near and far end in that sense
        if (peers != null && direction != null && (own != null || doc.has("interface_id"))) {
            Eni peer = peers.find(direction.equals("inbound") ? src : dst, own != null ? own.vpcId() : text(doc, "vpc_id"));
            if (peer != null && (own == null || !peer.interfaceId().equals(own.interfaceId()))) {
                putIfAbsent(doc, "peer_interface_id", peer.interfaceId());
                if (!peer.securityGroupIds().isEmpty()) {
                    strings(doc.putArray("peer_security_group_ids"), peer.securityGroupIds());
                }
            }
        }
        if (src != null) {
            geo.lookup(src).ifPresent(g -> doc.set("src_geo", g));
        }
        if (dst != null) {
            geo.lookup(dst).ifPresent(g -> doc.set("dst_geo", g));
        }
        return doc;
    }

    /** The v5 flow-direction field when the line has it; else whose address the ENI holds. */
    static String direction(String flowDirection, Eni own, String src, String dst) {
        if ("ingress".equals(flowDirection)) {
            return "inbound";
        }
        if ("egress".equals(flowDirection)) {
            return "outbound";
        }
        if (own == null) {
            return null;
        }
        if (own.owns(dst)) {
            return "inbound";
        }
        if (own.owns(src)) {
            return "outbound";
        }
        return null;
    }

    private static void putIfAbsent(ObjectNode doc, String field, String value) {
        if (value != null && !doc.has(field)) {
            doc.put(field, value);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String text(JsonNode doc, String field) {
        JsonNode v = doc.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
