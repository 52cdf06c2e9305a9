package io.secpipe.streams.ossec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.json.JsonObjects;
import io.secpipe.streams.time.EventTimes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One alerts.json object, OSSEC 2.x or Wazuh 4.x, to one document of a single shape:
 * {@code @timestamp} (from the alert), {@code rule{level, sidid, comment, groups[]}}, {@code srcip} (+
 * {@code src_geo}), ports as numbers, {@code full_log}, {@code location}, {@code agent{}}, {@code host{}},
 * {@code decoder{}}. The shape is recognised per field, not per product, since both write mixtures.
 */
public final class AlertNormalizer {

    /** Jackson keeps the last of a duplicated key (OSSEC writes {@code decoder} twice): that is the decoder name. */
    static final ObjectMapper JSON = new ObjectMapper();

    /** OSSEC's location for an agent's log: "(agent-name) agent-ip->/path"; the manager's own: "host->/path". */
    private static final Pattern AGENT_LOCATION = Pattern.compile("^\\((?<name>[^)]*)\\)\\s+(?<ip>[^-\\s]*)->(?<path>.*)$");
    private static final Pattern HOST_LOCATION = Pattern.compile("^(?<host>[^\\s(>]+)->(?<path>.*)$");

    /** Wazuh writes offsets as +0000; ISO-8601 proper and "Z" are accepted too. */
    private static final DateTimeFormatter ALERT_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private static final String[] STRING_FIELDS = {"srcip", "dstip", "srcuser", "dstuser", "protocol", "action",
        "url", "status", "command", "systemname", "id"};
    private static final String[] PORT_FIELDS = {"srcport", "dstport"};

    private final GeoLookup geo;

    public AlertNormalizer(GeoLookup geo) {
        this.geo = geo;
    }

    /** The normalized alert and its event time in epoch milliseconds. */
    public record Alert(ObjectNode document, long epochMillis, String ruleId, int level, String comment) {
    }

    public Alert normalize(byte[] raw) throws MalformedAlertException {
        try {
            return normalize(JsonObjects.parse(raw));
        } catch (JsonObjects.NotAnObject e) {
            throw new MalformedAlertException(e.getMessage());
        }
    }

    public Alert normalize(ObjectNode alert) throws MalformedAlertException {
        JsonNode rule = alert.get("rule");
        if (rule == null || !rule.isObject()) {
            throw new MalformedAlertException("no rule object");
        }
        boolean wazuh = alert.has("timestamp") || rule.has("groups") || rule.has("description") || alert.has("agent");
        Integer level = integer(rule.get("level"));
        if (level == null || level < 0 || level > 16) {
            throw new MalformedAlertException("rule.level missing or not a number from 0 to 16: " + rule.get("level"));
        }
        String ruleId = firstText(rule, "sidid", "id");
        if (ruleId == null) {
            throw new MalformedAlertException("no rule id (rule.sidid or rule.id)");
        }
        long millis = eventTime(alert);
        if (!EventTimes.acceptedMillis(millis)) {
            throw new MalformedAlertException(EventTimes.outOfRange(millis + " ms"));
        }

        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", Instant.ofEpochMilli(millis).toString());
        doc.put("alert_format", wazuh ? "wazuh" : "ossec");
        ObjectNode r = doc.putObject("rule");
        r.put("level", level);
        Integer sid = integer(new com.fasterxml.jackson.databind.node.TextNode(ruleId));
        if (sid != null) {
            r.put("sidid", sid);
        } else {
            throw new MalformedAlertException("rule id is not a number: " + ruleId);
        }
        String comment = firstText(rule, "comment", "description");
        if (comment != null) {
            r.put("comment", comment);
        }
        ArrayNode groups = r.putArray("groups");
        JsonNode groupList = rule.get("groups");
        if (groupList != null && groupList.isArray()) {
            groupList.forEach(g -> addGroup(groups, g.asText()));
        } else if (rule.hasNonNull("group")) {
            // OSSEC joins groups with commas and ends with one: "syslog,sshd,authentication_failed,"
            for (String g : rule.get("group").asText().split(",")) {
                addGroup(groups, g);
            }
        }
        copyInt(rule, r, "firedtimes");

        // OSSEC puts decoded fields at the top; Wazuh under data{}. The top wins when both have one.
        JsonNode data = alert.path("data");
        for (String field : STRING_FIELDS) {
            String value = text(alert, field);
            if (value == null && !field.equals("id")) {
                value = text(data, field);
            }
            if (value != null) {
                doc.put(field.equals("id") ? "alert_id" : field, value);
            }
        }
        for (String field : PORT_FIELDS) {
            JsonNode port = alert.hasNonNull(field) ? alert.get(field) : data.get(field);
            Integer n = integer(port);
            if (n != null && n >= 0 && n <= 65535) {
                doc.put(field, n);
            } else if (port != null && !port.isNull() && !port.asText().isEmpty()) {
                doc.put(field + "_text", port.asText()); // kept, not lost, when not a port number
            }
        }
        String srcip = doc.path("srcip").asText(null);
        if (srcip != null && looksLikeIp(srcip)) {
            geo.lookup(srcip).ifPresent(g -> doc.set("src_geo", g));
        }

        String fullLog = text(alert, "full_log");
        if (fullLog != null) {
            doc.put("full_log", fullLog);
        }
        ObjectNode agent = JSON.createObjectNode();
        String location = text(alert, "location");
        if (location != null) {
            doc.put("location", location);
            Matcher m = AGENT_LOCATION.matcher(location);
            if (m.matches()) {
                putIfText(agent, "name", m.group("name"));
                putIfText(agent, "ip", m.group("ip"));
                doc.put("log_path", m.group("path"));
            } else if ((m = HOST_LOCATION.matcher(location)).matches()) {
                putIfText(agent, "name", m.group("host"));
                doc.put("log_path", m.group("path"));
            }
        }
        JsonNode agentNode = alert.path("agent");
        for (String f : new String[] {"id", "name", "ip"}) {
            putIfText(agent, f, text(agentNode, f));
        }
        if (!agent.isEmpty()) {
            doc.set("agent", agent);
        }
        String hostname = firstNonNull(text(alert, "hostname"), text(alert.path("predecoder"), "hostname"),
                agent.path("name").asText(null));
        if (hostname != null) {
            doc.putObject("host").put("name", hostname);
        }
        String manager = text(alert.path("manager"), "name");
        if (manager != null) {
            doc.putObject("manager").put("name", manager);
        }
        ObjectNode decoder = JSON.createObjectNode();
        JsonNode decoderNode = alert.get("decoder");
        if (decoderNode != null && decoderNode.isObject()) {
            putIfText(decoder, "name", text(decoderNode, "name"));
            putIfText(decoder, "parent", text(decoderNode, "parent"));
        } else if (decoderNode != null && decoderNode.isTextual()) {
            putIfText(decoder, "name", decoderNode.asText());
        }
        putIfText(decoder, "parent", text(alert, "decoder_parent"));
        if (!decoder.isEmpty()) {
            doc.set("decoder", decoder);
        }
        String program = firstNonNull(text(alert, "program_name"), text(alert.path("predecoder"), "program_name"));
        if (program != null) {
            doc.put("program_name", program);
        }
        if (data.isObject() && !data.isEmpty()) {
            doc.set("data", data); // kept whole for the record; the template stores it unindexed
        }
        return new Alert(doc, millis, String.valueOf(sid), level, comment);
    }

    private static long eventTime(JsonNode alert) throws MalformedAlertException {
        JsonNode ms = alert.get("TimeStamp");
        if (ms != null && !ms.isNull()) {
            if (ms.isNumber()) {
                return ms.asLong();
            }
            try {
                return Long.parseLong(ms.asText().trim());
            } catch (NumberFormatException e) {
                throw new MalformedAlertException("TimeStamp is not epoch milliseconds: " + ms.asText());
            }
        }
        String iso = text(alert, "timestamp");
        if (iso == null) {
            iso = text(alert, "@timestamp");
        }
        if (iso == null) {
            throw new MalformedAlertException("no event time (TimeStamp or timestamp)");
        }
        try {
            var parsed = ALERT_TIME.parseBest(iso, OffsetDateTime::from, java.time.LocalDateTime::from);
            return parsed instanceof OffsetDateTime odt ? odt.toInstant().toEpochMilli()
                    : ((java.time.LocalDateTime) parsed).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new MalformedAlertException("unparseable timestamp: " + iso);
        }
    }

    private static void addGroup(ArrayNode groups, String group) {
        String g = group.trim();
        if (!g.isEmpty()) {
            groups.add(g);
        }
    }

    /** An IP literal's characters only: a host name must not reach a lookup that might resolve it. */
    static boolean looksLikeIp(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return false;
        }
        boolean colon = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            colon |= c == ':';
            if (!(c >= '0' && c <= '9' || c == '.' || c == ':' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return colon || s.chars().filter(c -> c == '.').count() == 3;
    }

    static Integer integer(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.intValue();
        }
        if (n.isTextual()) {
            try {
                return Integer.valueOf(n.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static void copyInt(JsonNode from, ObjectNode to, String field) {
        Integer n = integer(from.get(field));
        if (n != null) {
            to.put(field, n);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() ? null : s;
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String s = text(node, f);
            if (s != null) {
                return s;
            }
        }
        return null;
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

    private static void putIfText(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty() && !node.has(field)) {
            node.put(field, value);
        }
    }
}
