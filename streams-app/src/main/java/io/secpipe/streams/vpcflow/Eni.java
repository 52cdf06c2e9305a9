package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashSet;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What a flow needs of a {@code ref.eni} document: its addresses (IPv6 in one canonical spelling, so
 * {@code 2001:db8::10} and {@code 2001:db8:0:0::10} are one address), groups and placement.
 */
public record Eni(String interfaceId, Set<String> addresses, List<String> securityGroupIds,
                  String vpcId, String subnetId, String instanceId) {

    public static Eni of(JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            return null;
        }
        Set<String> addresses = new LinkedHashSet<>();
        for (String field : List.of("private_ips", "public_ips", "ipv6_addresses")) {
            for (JsonNode ip : doc.path(field)) {
                addresses.add(canonical(ip.asText()));
            }
        }
        List<String> groups = new ArrayList<>();
        doc.path("security_group_ids").forEach(g -> groups.add(g.asText()));
        return new Eni(text(doc, "interface_id"), Set.copyOf(addresses), List.copyOf(groups),
                text(doc, "vpc_id"), text(doc, "subnet_id"), text(doc, "instance_id"));
    }

    public boolean owns(String ip) {
        return ip != null && addresses.contains(canonical(ip));
    }

    /** IPv4 as written; IPv6 as Java prints it (full groups, no "::"): cheap and unique. */
    static String canonical(String ip) {
        if (ip == null || ip.indexOf(':') < 0) {
            return ip;
        }
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    private static String text(JsonNode doc, String field) {
        JsonNode v = doc.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** This record as a ref.eni-shaped document (addresses all under private_ips: ownership is all it is used for). */
    JsonNode toJson() {
        com.fasterxml.jackson.databind.node.ObjectNode doc = JsonSerde.JSON.createObjectNode();
        doc.put("interface_id", interfaceId);
        doc.put("vpc_id", vpcId);
        doc.put("subnet_id", subnetId);
        doc.put("instance_id", instanceId);
        addresses.forEach(doc.putArray("private_ips")::add);
        securityGroupIds.forEach(doc.putArray("security_group_ids")::add);
        return doc;
    }

    /**
     * The ref.eni value serde: JSON bytes to {@link Eni}; the global table's store holds the smaller
     * re-serialized form, which reads back to the same record.
     */
    public static Serde<Eni> serde() {
        Serializer<Eni> serializer = (topic, eni) -> eni == null ? null : JsonSerde.bytes(eni.toJson());
        Deserializer<Eni> deserializer = (topic, data) -> of(JsonSerde.read(data));
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
