package io.secpipe.formats.framing;

import io.secpipe.formats.SecpipeHeaders;
import java.util.Map;

/**
 * One unit cut out of a file or object: a record's value (with its key and extra headers), or a
 * piece that could not be framed, with the reason. {@code position} counts from 1 in the unit
 * of the framing (a line for line-based framings, an event for CloudTrail and CloudWatch payloads)
 * and is what the source offset stores.
 */
public record Frame(long position, byte[] value, String key, Map<String, String> headers, String error) {

    /** Error class named by error frames that carry no exception of their own (a CSV row of the wrong width, say). */
    public static final String MALFORMED_INPUT = "io.secpipe.formats.framing.MalformedInput";

    public static Frame record(long position, byte[] value, String key, Map<String, String> headers) {
        return new Frame(position, value, key, headers, null);
    }

    public static Frame error(long position, byte[] raw, String reason) {
        return new Frame(position, raw, null, Map.of(), reason);
    }

    /** An error frame that names the exception behind it (under {@code secpipe.error.class} in its headers). */
    public static Frame error(long position, byte[] raw, Exception cause) {
        String reason = cause instanceof com.fasterxml.jackson.core.JsonProcessingException json
                ? json.getOriginalMessage() // without Jackson's source excerpt: the raw bytes travel as the value
                : String.valueOf(cause.getMessage());
        return new Frame(position, raw, null, Map.of(SecpipeHeaders.ERROR_CLASS, cause.getClass().getName()), reason);
    }

    public boolean isError() {
        return error != null;
    }

    /** For an error frame: the class of the error, for the {@code secpipe.error.class} header. */
    public String errorClass() {
        return headers.getOrDefault(SecpipeHeaders.ERROR_CLASS, MALFORMED_INPUT);
    }
}
