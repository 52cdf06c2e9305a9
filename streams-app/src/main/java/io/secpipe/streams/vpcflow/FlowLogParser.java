package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import io.secpipe.streams.time.EventTimes;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Turns one flow-log line into a document, by field name: the field list says which value is which,
 * so custom formats and any field order parse alike. Field names become snake_case; {@code -} means
 * the field has no value and it is left out; numbers are typed; {@code @timestamp} is the flow's start.
 */
public final class FlowLogParser {

    private static final Set<String> NUMBER_FIELDS = Set.of(
            "version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
            "tcp-flags", "traffic-path");
    private static final Set<String> ADDRESS_FIELDS = Set.of("srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr");
    /** Fields whose values AWS documents as a closed set: anything else means the line is not what it claims. */
    private static final java.util.Map<String, Set<String>> ENUM_FIELDS = java.util.Map.of(
            "action", Set.of("ACCEPT", "REJECT"),
            "log-status", Set.of("OK", "NODATA", "SKIPDATA"),
            "flow-direction", Set.of("ingress", "egress"));

    private FlowLogParser() {
    }

    public static ObjectNode parse(String line, List<String> fields) throws FlowLogParseException {
        List<String> values = FlowLogFormat.tokens(line);
        if (values.size() != fields.size()) {
            throw new FlowLogParseException("expected " + fields.size() + " fields (" + String.join(" ", fields)
                    + "), found " + values.size());
        }
        for (String field : fields) {
            if (!FlowLogFormat.KNOWN_FIELDS.contains(field)) {
                throw new FlowLogParseException("unknown field '" + field + "' in the format (fields of versions 2 to 8 only)");
            }
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.putNull("@timestamp"); // placeholder: first in the document, set below
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i);
            String value = values.get(i);
            if (value.equals("-")) {
                continue;
            }
            String name = FlowLogFormat.documentField(field);
            if (NUMBER_FIELDS.contains(field)) {
                doc.put(name, number(field, value));
            } else if (ADDRESS_FIELDS.contains(field)) {
                doc.put(name, address(field, value));
            } else {
                Set<String> allowed = ENUM_FIELDS.get(field);
                if (allowed != null && !allowed.contains(value)) {
                    throw new FlowLogParseException("field '" + field + "' is not one of " + new java.util.TreeSet<>(allowed) + ": '" + value + "'");
                }
                doc.put(name, value);
            }
        }
        long eventSeconds = doc.has("start") ? doc.get("start").asLong()
                : doc.has("end") ? doc.get("end").asLong() : -1;
        if (eventSeconds < 0) {
            throw new FlowLogParseException("no start or end time: the flow has no event time");
        }
        if (!EventTimes.acceptedSeconds(eventSeconds)) {
            throw new FlowLogParseException(EventTimes.outOfRange(eventSeconds + " s"));
        }
        doc.put("@timestamp", Instant.ofEpochSecond(eventSeconds).toString());
        return doc;
    }

    private static long number(String field, String value) throws FlowLogParseException {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new FlowLogParseException("field '" + field + "' is not a non-negative whole number: '" + value + "'");
        }
    }

    private static String address(String field, String value) throws FlowLogParseException {
        if (!IpLiterals.isIpLiteral(value)) {
            throw new FlowLogParseException("field '" + field + "' is not an IPv4 or IPv6 address: '" + value + "'");
        }
        return value;
    }
}
