package io.secpipe.connect.source.framing;

import java.util.Map;

/**
 * One unit cut out of a file or object: a record's value (with its key and extra headers), or a
 * piece that could not be framed, with the reason. {@code position} counts from 1 in the unit
 * of the framing (a line for line-based framings, an event for CloudTrail and CloudWatch payloads)
 * and is what the source offset stores.
 */
public record Frame(long position, byte[] value, String key, Map<String, String> headers, String error) {

    public static Frame record(long position, byte[] value, String key, Map<String, String> headers) {
        return new Frame(position, value, key, headers, null);
    }

    public static Frame error(long position, byte[] raw, String reason) {
        return new Frame(position, raw, null, Map.of(), reason);
    }

    public boolean isError() {
        return error != null;
    }
}
