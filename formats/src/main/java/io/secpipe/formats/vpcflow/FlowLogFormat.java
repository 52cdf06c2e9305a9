package io.secpipe.formats.vpcflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * VPC and Transit Gateway Flow Logs field names (versions 2 to 8) as AWS spells them in a log format string
 * and in the header line of the files it delivers to S3.
 */
public final class FlowLogFormat {

    /** The default format: the fourteen version-2 fields in their fixed order. */
    public static final List<String> DEFAULT_V2 = List.of(
            "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
            "protocol", "packets", "bytes", "start", "end", "action", "log-status");

    public static final String DEFAULT_V2_STRING = String.join(" ", DEFAULT_V2);

    /** Every field AWS documents, v2 through v8, for VPCs and for transit gateways. */
    public static final Set<String> KNOWN_FIELDS = Set.of(
            // v2
            "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
            "protocol", "packets", "bytes", "start", "end", "action", "log-status",
            // v3
            "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
            // v4
            "region", "az-id", "sublocation-type", "sublocation-id",
            // v5
            "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
            // v7
            "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
            "ecs-container-id", "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn",
            "ecs-task-arn", "ecs-task-id",
            // v8
            "reject-reason",
            // transit gateways (v6 of their table; the other fields they share with VPCs)
            "resource-type", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id", "tgw-dst-vpc-account-id",
            "tgw-src-vpc-id", "tgw-dst-vpc-id", "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni", "tgw-dst-eni",
            "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id", "packets-lost-no-route", "packets-lost-blackhole",
            "packets-lost-mtu-exceeded", "packets-lost-ttl-expired");

    /** The default format of a transit gateway flow log: every field of its table, in the table's order. */
    public static final List<String> DEFAULT_TGW = List.of(
            "version", "resource-type", "account-id", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id",
            "tgw-dst-vpc-account-id", "tgw-src-vpc-id", "tgw-dst-vpc-id", "tgw-src-subnet-id", "tgw-dst-subnet-id",
            "tgw-src-eni", "tgw-dst-eni", "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id", "srcaddr", "dstaddr",
            "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "log-status", "type",
            "packets-lost-no-route", "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
            "tcp-flags", "region", "flow-direction", "pkt-src-aws-service", "pkt-dst-aws-service");

    /** Document field names of the known fields, computed once. */
    private static final Map<String, String> DOCUMENT_FIELDS = KNOWN_FIELDS.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), f -> f.replace('-', '_')));

    private FlowLogFormat() {
    }

    /** Splits a format string or a line on runs of spaces, as AWS writes both. */
    public static List<String> tokens(String line) {
        // by hand rather than strip().split(" +"), with the same result: this runs once per flow, and a regex
        // split compiles its pattern on every call
        int from = 0;
        int to = line.length();
        while (from < to && Character.isWhitespace(line.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
            to--;
        }
        List<String> tokens = new ArrayList<>(16);
        int i = from;
        while (i < to) {
            int space = line.indexOf(' ', i);
            int tokenEnd = space < 0 || space > to ? to : space;
            tokens.add(line.substring(i, tokenEnd));
            i = tokenEnd;
            while (i < to && line.charAt(i) == ' ') {
                i++;
            }
        }
        return tokens;
    }

    /**
     * A header line names fields instead of carrying values: every token is a known field name.
     * (A data line always holds at least one value no field is named after: an address, a number, ACCEPT.)
     */
    public static boolean isHeader(String line) {
        // no field name holds a digit, and nearly every data line does: most lines are told apart without a split
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c >= '0' && c <= '9') {
                return false;
            }
        }
        List<String> tokens = tokens(line);
        return !tokens.isEmpty() && KNOWN_FIELDS.containsAll(tokens);
    }

    /** The snake_case document field name for an AWS field name: {@code log-status} becomes {@code log_status}. */
    public static String documentField(String awsField) {
        String known = DOCUMENT_FIELDS.get(awsField);
        return known != null ? known : awsField.replace('-', '_');
    }
}
