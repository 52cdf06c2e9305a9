package io.secpipe.connect.source.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.secpipe.formats.SecpipeHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * The one mapping from EC2 inventory to the documents of {@code ref.eni}, {@code ref.security-groups}
 * and {@code ref.instances}. Both inputs are first brought to the same intermediate: the PascalCase
 * JSON that {@code aws ec2 describe-*} prints. A CLI file already is that; an SDK model object is
 * turned into it through its own member names ({@link #toCliJson}), which are the CLI's names.
 */
public final class Ec2Documents {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A region name at the head of an availability zone (eu-west-1a, us-west-2-lax-1a, us-gov-east-1b). */
    private static final Pattern REGION_PREFIX = Pattern.compile("^([a-z]{2}(?:-[a-z]+)+-\\d+)");
    /** An instance's owner lives on its reservation; it is carried onto the instance under this member name. */
    private static final String RESERVATION_OWNER = "OwnerId";

    /** What is inventoried: the API action, the CLI's top-level array, the id member and the document's id field. */
    public enum Kind {
        ENI("eni", "DescribeNetworkInterfaces", "NetworkInterfaces", "NetworkInterfaceId", "interface_id"),
        SECURITY_GROUP("security-groups", "DescribeSecurityGroups", "SecurityGroups", "GroupId", "group_id"),
        INSTANCE("instances", "DescribeInstances", "Reservations", "InstanceId", "instance_id");

        final String id;
        final String action;
        final String cliArray;
        final String idMember;
        final String idField;

        Kind(String id, String action, String cliArray, String idMember, String idField) {
            this.id = id;
            this.action = action;
            this.cliArray = cliArray;
            this.idMember = idMember;
            this.idField = idField;
        }

        public String id() {
            return id;
        }

        public static Kind of(String id) {
            for (Kind kind : values()) {
                if (kind.id.equals(id)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown resource kind " + id);
        }

        static List<String> ids() {
            return java.util.Arrays.stream(values()).map(k -> k.id).toList();
        }
    }

    private Ec2Documents() {
    }

    // ---- SDK model -> CLI JSON -------------------------------------------------------------------

    /** An SDK v2 model object as the CLI would print it: member names as keys, unset members left out. */
    public static JsonNode toCliJson(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof SdkPojo pojo) {
            ObjectNode object = NODES.objectNode();
            for (SdkField<?> field : pojo.sdkFields()) {
                JsonNode member = toCliJson(field.getValueOrDefault(pojo));
                if (member != null) {
                    object.set(field.memberName(), member);
                }
            }
            return object;
        }
        if (value instanceof Collection<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(toCliJson(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), toCliJson(v)));
            return object;
        }
        if (value instanceof Instant instant) {
            return NODES.textNode(instant.toString());
        }
        if (value instanceof SdkBytes bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes.asByteArray()));
        }
        return JSON.valueToTree(value);
    }

    /** The instances of a reservation (SDK-converted or from a CLI file), each carrying the reservation's owner. */
    static List<JsonNode> instancesOf(JsonNode reservation) {
        List<JsonNode> instances = new ArrayList<>();
        for (JsonNode instance : reservation.path("Instances")) {
            if (instance.isObject() && reservation.hasNonNull(RESERVATION_OWNER) && !instance.has(RESERVATION_OWNER)) {
                ObjectNode copy = ((ObjectNode) instance).deepCopy();
                copy.set(RESERVATION_OWNER, reservation.get(RESERVATION_OWNER));
                instances.add(copy);
            } else {
                instances.add(instance);
            }
        }
        return instances;
    }

    // ---- CLI JSON -> document ---------------------------------------------------------------------

    /**
     * The document of one resource. {@code region} is the region it was read from, or null when unknown
     * (a CLI file without a configured region): then it is derived from the availability zone or ARN.
     *
     * @throws IllegalArgumentException when the resource has no id, so it cannot be a keyed record
     */
    public static ObjectNode toDocument(Kind kind, JsonNode resource, String region) {
        if (resource == null || !resource.isObject() || text(resource, kind.idMember) == null) {
            throw new IllegalArgumentException(kind.cliArray + " entry without " + kind.idMember);
        }
        return switch (kind) {
            case ENI -> eni(resource, region);
            case SECURITY_GROUP -> securityGroup(resource, region);
            case INSTANCE -> instance(resource, region);
        };
    }

    public static String key(Kind kind, ObjectNode document) {
        return document.get(kind.idField).asText();
    }

    private static ObjectNode eni(JsonNode n, String region) {
        ObjectNode doc = NODES.objectNode();
        put(doc, "interface_id", text(n, "NetworkInterfaceId"));
        put(doc, "account_id", text(n, "OwnerId"));
        put(doc, "region", region != null ? region : regionOfZone(text(n, "AvailabilityZone")));
        put(doc, "availability_zone", text(n, "AvailabilityZone"));
        put(doc, "vpc_id", text(n, "VpcId"));
        put(doc, "subnet_id", text(n, "SubnetId"));
        put(doc, "instance_id", text(n.path("Attachment"), "InstanceId"));
        put(doc, "interface_type", text(n, "InterfaceType"));
        put(doc, "description", text(n, "Description"));
        put(doc, "status", text(n, "Status"));

        // the primary address first, then the secondaries in AWS's order; public ones likewise
        Set<String> privateIps = new LinkedHashSet<>();
        Set<String> publicIps = new LinkedHashSet<>();
        addIfPresent(privateIps, text(n, "PrivateIpAddress"));
        addIfPresent(publicIps, text(n.path("Association"), "PublicIp"));
        for (JsonNode address : n.path("PrivateIpAddresses")) {
            if (address.path("Primary").asBoolean(false)) {
                addIfPresent(privateIps, text(address, "PrivateIpAddress"));
                addIfPresent(publicIps, text(address.path("Association"), "PublicIp"));
            }
        }
        for (JsonNode address : n.path("PrivateIpAddresses")) {
            addIfPresent(privateIps, text(address, "PrivateIpAddress"));
            addIfPresent(publicIps, text(address.path("Association"), "PublicIp"));
        }
        doc.set("private_ips", strings(privateIps));
        doc.set("public_ips", strings(publicIps));
        doc.set("ipv6_addresses", strings(each(n.path("Ipv6Addresses"), "Ipv6Address")));
        doc.set("security_group_ids", strings(each(n.path("Groups"), "GroupId")));
        put(doc, "mac_address", text(n, "MacAddress"));
        return doc;
    }

    private static ObjectNode securityGroup(JsonNode n, String region) {
        ObjectNode doc = NODES.objectNode();
        put(doc, "group_id", text(n, "GroupId"));
        put(doc, "group_name", text(n, "GroupName"));
        put(doc, "description", text(n, "Description"));
        put(doc, "vpc_id", text(n, "VpcId"));
        put(doc, "account_id", text(n, "OwnerId"));
        put(doc, "region", region != null ? region : regionOfArn(text(n, "SecurityGroupArn")));
        doc.set("ingress", rules(n.path("IpPermissions")));
        doc.set("egress", rules(n.path("IpPermissionsEgress")));
        return doc;
    }

    private static ArrayNode rules(JsonNode permissions) {
        ArrayNode rules = NODES.arrayNode();
        for (JsonNode p : permissions) {
            ObjectNode rule = NODES.objectNode();
            String protocol = text(p, "IpProtocol");
            put(rule, "protocol", protocol);
            // for "all protocols" AWS's ports mean nothing (the API leaves them out, some tools print -1)
            if (!"-1".equals(protocol)) {
                if (p.hasNonNull("FromPort")) {
                    rule.put("from_port", p.get("FromPort").asInt());
                }
                if (p.hasNonNull("ToPort")) {
                    rule.put("to_port", p.get("ToPort").asInt());
                }
            }
            rule.set("ipv4_ranges", strings(each(p.path("IpRanges"), "CidrIp")));
            rule.set("ipv6_ranges", strings(each(p.path("Ipv6Ranges"), "CidrIpv6")));
            rule.set("referenced_group_ids", strings(each(p.path("UserIdGroupPairs"), "GroupId")));
            rule.set("prefix_list_ids", strings(each(p.path("PrefixListIds"), "PrefixListId")));
            // AWS describes each source of a rule separately: keep which description belongs to which source
            ObjectNode descriptions = NODES.objectNode();
            describe(descriptions, p.path("IpRanges"), "CidrIp");
            describe(descriptions, p.path("Ipv6Ranges"), "CidrIpv6");
            describe(descriptions, p.path("UserIdGroupPairs"), "GroupId");
            describe(descriptions, p.path("PrefixListIds"), "PrefixListId");
            rule.set("descriptions", descriptions);
            rules.add(rule);
        }
        return rules;
    }

    private static void describe(ObjectNode descriptions, JsonNode sources, String sourceMember) {
        for (JsonNode source : sources) {
            String id = text(source, sourceMember);
            String description = text(source, "Description");
            if (id != null && description != null) {
                descriptions.put(id, description);
            }
        }
    }

    private static ObjectNode instance(JsonNode n, String region) {
        ObjectNode doc = NODES.objectNode();
        String zone = text(n.path("Placement"), "AvailabilityZone");
        put(doc, "instance_id", text(n, "InstanceId"));
        put(doc, "region", region != null ? region : regionOfZone(zone));
        put(doc, "account_id", text(n, RESERVATION_OWNER));
        put(doc, "instance_type", text(n, "InstanceType"));
        put(doc, "state", text(n.path("State"), "Name"));
        put(doc, "launch_time", instant(text(n, "LaunchTime")));
        put(doc, "availability_zone", zone);
        put(doc, "vpc_id", text(n, "VpcId"));
        put(doc, "subnet_id", text(n, "SubnetId"));
        put(doc, "private_ip", text(n, "PrivateIpAddress"));
        put(doc, "public_ip", text(n, "PublicIpAddress"));
        ObjectNode tags = NODES.objectNode();
        for (JsonNode tag : n.path("Tags")) {
            String k = text(tag, "Key");
            if (k != null) {
                tags.put(k, tag.path("Value").asText(""));
            }
        }
        doc.set("tags", tags);
        return doc;
    }

    // ---- records ---------------------------------------------------------------------------------

    /** A document (or, with a null document, a tombstone) as a record keyed by the resource id. */
    static SourceRecord record(String topic, Map<String, ?> partition, Map<String, ?> offset, String key,
                               String value, String source) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(SecpipeHeaders.ID, key);
        headers.addString(SecpipeHeaders.SOURCE, source);
        return new SourceRecord(partition, offset, topic, null, Schema.STRING_SCHEMA, key,
                Schema.OPTIONAL_BYTES_SCHEMA, value == null ? null : value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                null, headers);
    }

    static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    static String regionOfZone(String zone) {
        if (zone == null) {
            return null;
        }
        Matcher m = REGION_PREFIX.matcher(zone);
        return m.find() ? m.group(1) : null;
    }

    private static String regionOfArn(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":", 6);
        return parts.length == 6 && !parts[3].isEmpty() ? parts[3] : null;
    }

    /** The SDK writes 2024-03-01T08:30:00Z, the CLI 2024-03-01T08:30:00+00:00: one spelling in the document. */
    private static String instant(String time) {
        if (time == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time).toInstant().toString();
        } catch (DateTimeParseException e) {
            return time;
        }
    }

    private static String text(JsonNode node, String member) {
        JsonNode value = node == null ? null : node.get(member);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    private static List<String> each(JsonNode list, String member) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : list) {
            addIfPresent(values, text(item, member));
        }
        return values;
    }

    private static void addIfPresent(Collection<String> values, String value) {
        if (value != null && !value.isEmpty() && !values.contains(value)) {
            values.add(value);
        }
    }

    private static ArrayNode strings(Collection<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static void put(ObjectNode doc, String field, String value) {
        if (value != null) {
            doc.put(field, value);
        }
    }
}
