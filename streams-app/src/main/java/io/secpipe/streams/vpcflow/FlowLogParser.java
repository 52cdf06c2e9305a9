package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import io.secpipe.streams.time.EventTimes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one VPC or transit-gateway flow-log line into a document, by field name: the field list says which
 * value is which, so custom formats and any field order parse alike. Field names become snake_case; {@code -}
 * means the field has no value and it is left out; numbers are typed, addresses and documented value sets checked.
 *
 * <p>{@code @timestamp} is the flow's {@code start}, else its {@code end}, else (a custom format without either,
 * as AWS's NAT-gateway example) the time the record was delivered, else the Kafka record's timestamp;
 * {@code event.time_source} says which: {@code start}, {@code end}, {@code delivery} or {@code record}.
 */
public final class FlowLogParser {

    private static final Set<String> NUMBER_FIELDS = Set.of(
            "version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
            "tcp-flags", "traffic-path", "packets-lost-no-route", "packets-lost-blackhole",
            "packets-lost-mtu-exceeded", "packets-lost-ttl-expired");
    private static final Set<String> ADDRESS_FIELDS = Set.of("srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr");
    /** Fields whose values AWS documents as a closed set: anything else means the line is not what it claims. */
    private static final Map<String, Set<String>> ENUM_FIELDS = Map.of(
            "action", Set.of("ACCEPT", "REJECT"),
            "log-status", Set.of("OK", "NODATA", "SKIPDATA"),
            "flow-direction", Set.of("ingress", "egress"),
            "type", Set.of("IPv4", "IPv6", "EFA"),
            "sublocation-type", Set.of("wavelength", "outpost", "localzone"));
    /** traffic-path is a documented code, 1 to 8. */
    private static final int TRAFFIC_PATH_MAX = 8;

    /** Which clock {@code @timestamp} comes from, as {@code event.time_source} spells it. */
    public enum TimeSource {
        START, END, DELIVERY, RECORD;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private FlowLogParser() {
    }

    /** A line whose format has {@code start} or {@code end}; without them it has no time and is refused. */
    public static ObjectNode parse(String line, List<String> fields) throws FlowLogParseException {
        return parse(line, fields, null, -1);
    }

    /**
     * @param delivery when the record was delivered (the source's {@code secpipe.delivery.time}), or null
     * @param recordTimestampMs the Kafka record's timestamp, or negative when there is none
     */
    public static ObjectNode parse(String line, List<String> fields, Instant delivery, long recordTimestampMs)
            throws FlowLogParseException {
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
                long n = number(field, value);
                if (field.equals("traffic-path") && (n < 1 || n > TRAFFIC_PATH_MAX)) {
                    throw new FlowLogParseException("field 'traffic-path' is not one of 1 to " + TRAFFIC_PATH_MAX + ": '" + value + "'");
                }
                doc.put(name, n);
            } else if (ADDRESS_FIELDS.contains(field)) {
                doc.put(name, address(field, value));
            } else {
                Set<String> allowed = ENUM_FIELDS.get(field);
                if (allowed != null && !allowed.contains(value)) {
                    throw new FlowLogParseException("field '" + field + "' is not one of " + new TreeSet<>(allowed) + ": '" + value + "'");
                }
                doc.put(name, value);
            }
        }
        Instant time;
        TimeSource source;
        if (doc.has("start") || doc.has("end")) {
            source = doc.has("start") ? TimeSource.START : TimeSource.END;
            long seconds = doc.get(source == TimeSource.START ? "start" : "end").asLong();
            if (!EventTimes.acceptedSeconds(seconds)) {
                throw new FlowLogParseException(EventTimes.outOfRange(seconds + " s"));
            }
            time = Instant.ofEpochSecond(seconds);
        } else if (delivery != null) {
            source = TimeSource.DELIVERY;
            time = delivery;
        } else if (recordTimestampMs >= 0) {
            source = TimeSource.RECORD;
            time = Instant.ofEpochMilli(recordTimestampMs);
        } else {
            throw new FlowLogParseException("no start or end time, and no delivery or record time to take instead");
        }
        if (!EventTimes.accepted(time)) {
            throw new FlowLogParseException(EventTimes.outOfRange(time));
        }
        doc.put("@timestamp", time.toString());
        doc.putObject("event").put("time_source", source.value());
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
