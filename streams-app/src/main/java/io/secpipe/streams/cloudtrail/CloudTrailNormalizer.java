package io.secpipe.streams.cloudtrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.json.JsonObjects;
import io.secpipe.streams.time.EventTimes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * CloudTrail records and EventBridge "via CloudTrail" envelopes, to envelopes (for pattern matching: a raw
 * record becomes the {@code detail} of the envelope EventBridge would have sent) and to documents:
 * {@code @timestamp} from {@code eventTime}, CloudTrail's fields in snake_case, {@code event.outcome},
 * the EC2 instance ids and type a call names, and request parameters / response elements kept whole.
 */
public final class CloudTrailNormalizer {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API_CALL = "AWS API Call via CloudTrail";

    private final GeoLookup geo;

    public CloudTrailNormalizer(GeoLookup geo) {
        this.geo = geo;
    }

    /** The envelopes one record holds: one, or one per element of an S3 file's {@code Records[]}. */
    public List<ObjectNode> envelopes(byte[] raw) throws MalformedCloudTrailException {
        JsonNode tree;
        try {
            tree = JsonObjects.parse(raw);
        } catch (JsonObjects.NotAnObject e) {
            throw new MalformedCloudTrailException(e.getMessage());
        }
        if (tree.path("Records").isArray()) {
            List<ObjectNode> out = new ArrayList<>();
            for (JsonNode record : tree.get("Records")) {
                out.add(envelope(record));
            }
            return out;
        }
        return List.of(envelope(tree));
    }

    public ObjectNode envelope(JsonNode node) throws MalformedCloudTrailException {
        if (!node.isObject()) {
            throw new MalformedCloudTrailException("not a JSON object");
        }
        if (node.has("detail-type")) {
            if (!node.path("detail").isObject()) {
                throw new MalformedCloudTrailException("EventBridge envelope without a detail object");
            }
            return (ObjectNode) node;
        }
        if (!node.hasNonNull("eventSource") || !node.hasNonNull("eventName")) {
            throw new MalformedCloudTrailException("neither an EventBridge envelope nor a CloudTrail record (no eventSource/eventName)");
        }
        String eventSource = node.get("eventSource").asText();
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("version", "0");
        putText(envelope, "id", text(node, "eventID"));
        envelope.put("detail-type", detailType(text(node, "eventType")));
        int dot = eventSource.indexOf(".amazonaws.com");
        envelope.put("source", "aws." + (dot > 0 ? eventSource.substring(0, dot) : eventSource));
        putText(envelope, "account", firstNonNull(text(node, "recipientAccountId"), text(node.path("userIdentity"), "accountId")));
        putText(envelope, "time", text(node, "eventTime"));
        putText(envelope, "region", text(node, "awsRegion"));
        envelope.putArray("resources");
        envelope.set("detail", node);
        return envelope;
    }

    private static String detailType(String eventType) {
        if (eventType == null) {
            return API_CALL;
        }
        return switch (eventType) {
            case "AwsConsoleSignIn" -> "AWS Console Sign In via CloudTrail";
            case "AwsServiceEvent" -> "AWS Service Event via CloudTrail";
            default -> API_CALL;
        };
    }

    /** The document of a (matched) envelope; its event time in milliseconds is {@code @timestamp}. */
    public ObjectNode document(ObjectNode envelope) throws MalformedCloudTrailException {
        JsonNode d = envelope.path("detail");
        String eventTime = firstNonNull(text(d, "eventTime"), text(envelope, "time"));
        if (eventTime == null) {
            throw new MalformedCloudTrailException("no eventTime");
        }
        Instant time;
        try {
            time = Instant.parse(eventTime);
        } catch (DateTimeParseException e) {
            throw new MalformedCloudTrailException("unparseable eventTime: " + eventTime);
        }
        if (!EventTimes.accepted(time)) {
            throw new MalformedCloudTrailException(EventTimes.outOfRange(eventTime));
        }
        String eventId = firstNonNull(text(d, "eventID"), text(envelope, "id"));
        if (eventId == null || text(d, "eventName") == null || text(d, "eventSource") == null) {
            throw new MalformedCloudTrailException("detail lacks eventID, eventName or eventSource");
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", time.toString());
        doc.put("event_id", eventId);
        copy(d, "eventName", doc, "event_name");
        copy(d, "eventSource", doc, "event_source");
        copy(d, "eventType", doc, "event_type");
        copy(d, "eventCategory", doc, "event_category");
        copy(d, "eventVersion", doc, "event_version");
        putText(doc, "detail_type", text(envelope, "detail-type"));
        putText(doc, "aws_region", firstNonNull(text(d, "awsRegion"), text(envelope, "region")));
        putText(doc, "account_id", firstNonNull(text(d, "recipientAccountId"), text(envelope, "account"),
                text(d.path("userIdentity"), "accountId")));

        JsonNode ui = d.path("userIdentity");
        ObjectNode identity = JSON.createObjectNode();
        copy(ui, "type", identity, "type");
        copy(ui, "arn", identity, "arn");
        copy(ui, "principalId", identity, "principal_id");
        copy(ui, "accountId", identity, "account_id");
        copy(ui, "accessKeyId", identity, "access_key_id");
        copy(ui, "userName", identity, "user_name");
        copy(ui, "invokedBy", identity, "invoked_by");
        JsonNode issuer = ui.path("sessionContext").path("sessionIssuer");
        if (issuer.isObject() && !issuer.isEmpty()) {
            ObjectNode si = identity.putObject("session_issuer");
            copy(issuer, "type", si, "type");
            copy(issuer, "arn", si, "arn");
            copy(issuer, "userName", si, "user_name");
            copy(issuer, "principalId", si, "principal_id");
            copy(issuer, "accountId", si, "account_id");
        }
        if (!identity.isEmpty()) {
            doc.set("user_identity", identity);
        }
        // Who did it, in one field: the IAM user, else the role behind the session, else root or the service
        String who = firstNonNull(text(ui, "userName"), text(issuer, "userName"),
                "Root".equals(text(ui, "type")) ? "root" : null, text(ui, "invokedBy"));
        putText(doc, "user_name", who);

        String sourceIp = text(d, "sourceIPAddress");
        putText(doc, "source_ip_address", sourceIp);
        if (sourceIp != null && looksLikeIp(sourceIp)) { // it may be a service name such as ec2.amazonaws.com
            geo.lookup(sourceIp).ifPresent(g -> doc.set("source_geo", g));
        }
        copy(d, "userAgent", doc, "user_agent");
        copy(d, "errorCode", doc, "error_code");
        copy(d, "errorMessage", doc, "error_message");
        doc.putObject("event").put("outcome", d.hasNonNull("errorCode") ? "failure" : "success");
        copy(d, "requestID", doc, "request_id");
        if (d.has("readOnly")) {
            doc.put("read_only", d.path("readOnly").asBoolean());
        }
        if (d.has("managementEvent")) {
            doc.put("management_event", d.path("managementEvent").asBoolean());
        }

        JsonNode request = d.path("requestParameters");
        JsonNode response = d.path("responseElements");
        Set<String> instances = new LinkedHashSet<>();
        collectInstanceIds(request, instances);
        collectInstanceIds(response, instances);
        if (!instances.isEmpty()) {
            ArrayNode ids = doc.putArray("instance_ids");
            instances.forEach(ids::add);
        }
        putText(doc, "instance_type", firstNonNull(text(request, "instanceType"),
                text(response.path("instancesSet").path("items").path(0), "instanceType")));
        if (request.isObject()) {
            doc.set("request_parameters", request);
        }
        if (response.isObject()) {
            doc.set("response_elements", response);
        }
        return doc;
    }

    /** EC2 calls name instances in instancesSet.items[].instanceId, on both the request and the response. */
    private static void collectInstanceIds(JsonNode node, Set<String> into) {
        for (JsonNode item : node.path("instancesSet").path("items")) {
            String id = text(item, "instanceId");
            if (id != null) {
                into.add(id);
            }
        }
    }

    static boolean looksLikeIp(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == ':' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return s.indexOf(':') >= 0 || s.chars().filter(c -> c == '.').count() == 3;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        putText(to, as, text(from, field));
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
