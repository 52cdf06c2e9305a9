package io.secpipe.streams.cloudtrail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.framing.CloudTrailFraming;
import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.time.EventTimes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CloudTrail records and EventBridge "via CloudTrail" envelopes, to envelopes (for pattern matching: a raw
 * record becomes the {@code detail} of the envelope EventBridge would have sent) and to documents:
 * {@code @timestamp} from {@code eventTime}, CloudTrail's fields in snake_case, {@code event.outcome},
 * the EC2 instance ids and type a call names, and request parameters / response elements kept whole.
 *
 * <p>What is CloudTrail, and so is matched against the pattern (a record the pattern does not select is left out
 * and counted, never a dead letter):
 * <ul>
 * <li>a CloudTrail record: a JSON object with {@code eventVersion}, {@code eventSource} and {@code eventName} (API
 * calls, service events, console sign-ins, any eventVersion from 1.0; {@code eventID} may be missing);</li>
 * <li>a CloudTrail Insights record: {@code eventType} {@code AwsCloudTrailInsight} with an {@code insightDetails}
 * object (its event source and name are inside insightDetails);</li>
 * <li>an EventBridge envelope: an object with {@code detail-type} and a {@code detail} object;</li>
 * <li>a log file, {@code {"Records":[...]}}: each element on its own, as above.</li>
 * </ul>
 * Each also needs a readable event time ({@code eventTime}, or an envelope's {@code time}): ISO 8601 with seconds or
 * fractional seconds and {@code Z}, an offset, or none (CloudTrail writes UTC). Anything else is malformed.
 */
public final class CloudTrailNormalizer {

    /** Decimals kept exactly, as the formats module's framing keeps them: a document says what the record said. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    static final String API_CALL = "AWS API Call via CloudTrail";
    static final String INSIGHT = "AwsCloudTrailInsight";

    private static final DateTimeFormatter EVENT_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMMss", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    /** One record of the input: its envelope, or why it is not CloudTrail; {@code raw} is what a dead letter holds. */
    public record Read(ObjectNode envelope, byte[] raw, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final GeoLookup geo;

    public CloudTrailNormalizer(GeoLookup geo) {
        this.geo = geo;
    }

    /**
     * The records one Kafka record holds: one, or one per element of a log file's {@code Records[]}. Each element is
     * read on its own: a malformed one is a dead letter of its own ({@code raw} its JSON, the error naming its index)
     * and does not take the valid ones with it.
     */
    public List<Read> read(byte[] raw) throws MalformedCloudTrailException {
        JsonNode tree = parse(raw);
        if (!tree.path("Records").isArray()) {
            try {
                return List.of(new Read(envelope(tree), raw, null));
            } catch (MalformedCloudTrailException e) {
                return List.of(new Read(null, raw, e.getMessage()));
            }
        }
        List<Read> out = new ArrayList<>();
        int index = 0;
        for (JsonNode record : tree.get("Records")) {
            try {
                out.add(new Read(envelope(record), null, null));
            } catch (MalformedCloudTrailException e) {
                out.add(new Read(null, bytes(record), "Records[" + index + "]: " + e.getMessage()));
            }
            index++;
        }
        return out;
    }

    /** The envelopes one record holds; the first malformed one throws (for callers that take all or nothing). */
    public List<ObjectNode> envelopes(byte[] raw) throws MalformedCloudTrailException {
        List<ObjectNode> out = new ArrayList<>();
        for (Read r : read(raw)) {
            if (!r.ok()) {
                throw new MalformedCloudTrailException(r.error());
            }
            out.add(r.envelope());
        }
        return out;
    }

    private static JsonNode parse(byte[] raw) throws MalformedCloudTrailException {
        if (raw == null) {
            throw new MalformedCloudTrailException("the record has no value");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new MalformedCloudTrailException("not JSON: " + e.getOriginalMessage());
        } catch (IOException | NumberFormatException e) {
            // NumberFormatException: a decimal whose exponent BigDecimal cannot hold
            throw new MalformedCloudTrailException("not JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new MalformedCloudTrailException("not a JSON object");
        }
        return tree;
    }

    /** The envelope of one record or envelope, or why it is not CloudTrail. */
    public ObjectNode envelope(JsonNode node) throws MalformedCloudTrailException {
        if (!node.isObject()) {
            throw new MalformedCloudTrailException("not a JSON object");
        }
        if (node.has("detail-type")) {
            if (!node.path("detail").isObject()) {
                throw new MalformedCloudTrailException("EventBridge envelope without a detail object");
            }
            eventTime((ObjectNode) node);
            return (ObjectNode) node;
        }
        boolean insight = INSIGHT.equals(text(node, "eventType")) && node.path("insightDetails").isObject();
        if (!insight && (text(node, "eventVersion") == null || text(node, "eventSource") == null || text(node, "eventName") == null)) {
            throw new MalformedCloudTrailException("neither an EventBridge envelope nor a CloudTrail record "
                    + "(no eventVersion, eventSource and eventName; not an Insights event)");
        }
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("version", "0");
        putText(envelope, "id", text(node, "eventID"));
        envelope.put("detail-type", detailType(text(node, "eventType")));
        envelope.put("source", insight ? "aws.cloudtrail" : source(text(node, "eventSource")));
        putText(envelope, "account", firstNonNull(text(node, "recipientAccountId"), text(node.path("userIdentity"), "accountId")));
        putText(envelope, "time", text(node, "eventTime"));
        putText(envelope, "region", text(node, "awsRegion"));
        envelope.putArray("resources");
        envelope.set("detail", node);
        eventTime(envelope);
        return envelope;
    }

    /** ec2.amazonaws.com → aws.ec2, as EventBridge names the source of a service's CloudTrail events. */
    private static String source(String eventSource) {
        int dot = eventSource.indexOf(".amazonaws.com");
        return "aws." + (dot > 0 ? eventSource.substring(0, dot) : eventSource);
    }

    private static String detailType(String eventType) {
        if (eventType == null) {
            return API_CALL;
        }
        return switch (eventType) {
            case "AwsConsoleSignIn" -> "AWS Console Sign In via CloudTrail";
            case "AwsConsoleAction" -> "AWS Console Action via CloudTrail";
            case "AwsServiceEvent" -> "AWS Service Event via CloudTrail";
            case INSIGHT -> "AWS Insight via CloudTrail";
            default -> API_CALL;
        };
    }

    /** The event time of an envelope: the record's eventTime, else the envelope's time; in 1970..9999. */
    static Instant eventTime(ObjectNode envelope) throws MalformedCloudTrailException {
        String eventTime = firstNonNull(text(envelope.path("detail"), "eventTime"), text(envelope, "time"));
        if (eventTime == null) {
            throw new MalformedCloudTrailException("no eventTime");
        }
        Instant time;
        try {
            time = parseTime(eventTime);
        } catch (DateTimeException e) {
            throw new MalformedCloudTrailException("unparseable eventTime: " + eventTime);
        }
        if (!EventTimes.accepted(time)) {
            throw new MalformedCloudTrailException(EventTimes.outOfRange(eventTime));
        }
        return time;
    }

    /** ISO 8601 date and time, seconds or fractions of them, then Z, an offset, or nothing (UTC, as CloudTrail writes). */
    static Instant parseTime(String text) {
        TemporalAccessor parsed = EVENT_TIME.parse(text);
        LocalDateTime local = LocalDateTime.from(parsed);
        ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
        return local.toInstant(offset);
    }

    /**
     * The id of an envelope's document: CloudTrail's {@code eventID}, else the EventBridge envelope's {@code id},
     * else one derived from the record's content ({@link CloudTrailFraming#derivedId}: {@code derived:sha256:} and
     * the hash of its canonical JSON), the id the CloudTrail framing gives the same record, so a replay overwrites.
     */
    public static String documentId(ObjectNode envelope) {
        JsonNode d = envelope.path("detail");
        String id = firstNonNull(text(d, "eventID"), text(envelope, "id"));
        return id != null ? id : CloudTrailFraming.derivedId(d);
    }

    /** The document of a (matched) envelope; its event time in milliseconds is {@code @timestamp}. */
    public ObjectNode document(ObjectNode envelope) throws MalformedCloudTrailException {
        JsonNode d = envelope.path("detail");
        Instant time = eventTime(envelope);
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", time.toString());
        doc.put("event_id", documentId(envelope));
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
        copy(d, "sharedEventID", doc, "shared_event_id");
        if (d.path("insightDetails").isObject()) {
            doc.set("insight_details", d.get("insightDetails"));
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

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
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
