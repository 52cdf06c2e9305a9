package io.secpipe.formats.framing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.secpipe.formats.SecpipeHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudTrail log files, {@code {"Records":[...]}}, streamed (a file can hold many megabytes of events): each
 * element of {@code Records} becomes one compact JSON record keyed by its {@code eventID} (also {@code secpipe.id}),
 * or, for a record without one (eventVersion 1.0 records have none), by {@link #derivedId its derived id}.
 * Position is the event's ordinal in the array, from 1. An element that is not an object is an error frame and
 * reading goes on; invalid JSON is one error frame (the raw bytes from the start of the failing event, capped)
 * and the end of that input, since a streaming parser cannot find its feet again after a syntax error.
 * Fields other than {@code Records} are ignored; a file without them has no record.
 */
public final class CloudTrailFraming implements Framing {

    private static final Frame SKIPPED = Frame.error(0, new byte[0], "skipped");

    @Override
    public FrameReader open(InputStream in) throws IOException {
        RecordingInputStream recorder = new RecordingInputStream(in);
        JsonParser parser = Json.MAPPER.createParser(recorder);
        return new FrameReader() {
            private long ordinal;
            private boolean inRecords;
            private boolean done;
            /** True between the start of an event and its end: a syntax error then belongs to that event. */
            private boolean inEvent;

            @Override
            public Frame next(long afterPosition) throws IOException {
                while (!done) {
                    Frame frame = read(afterPosition);
                    if (frame == null || frame.position() > afterPosition) {
                        return frame;
                    }
                }
                return null;
            }

            private Frame read(long afterPosition) throws IOException {
                try {
                    if (!inRecords) {
                        if (!seekRecords()) {
                            done = true;
                            return null;
                        }
                        inRecords = true;
                    }
                    JsonToken token = parser.nextToken();
                    if (token == JsonToken.END_ARRAY || token == null) {
                        done = true;
                        return null;
                    }
                    ordinal++;
                    inEvent = true;
                    recorder.markAt(parser.currentTokenLocation().getByteOffset());
                    if (token != JsonToken.START_OBJECT || ordinal <= afterPosition) {
                        parser.skipChildren();
                        inEvent = false;
                        // next() passes over a frame at or before afterPosition: an element skipped unread comes back as SKIPPED
                        return token == JsonToken.START_OBJECT ? SKIPPED
                                : Frame.error(ordinal, recorder.sinceMark(), "a Records element that is not an object: " + token);
                    }
                    JsonNode event = Json.MAPPER.readTree(parser);
                    inEvent = false;
                    recorder.markAt(parser.currentLocation().getByteOffset());
                    JsonNode id = event.get("eventID");
                    String eventId = id != null && id.isTextual() && !id.asText().isEmpty() ? id.asText() : derivedId(event);
                    return Frame.record(ordinal, Json.MAPPER.writeValueAsBytes(event), eventId, Map.of(SecpipeHeaders.ID, eventId));
                } catch (JsonProcessingException | NumberFormatException e) {
                    // NumberFormatException: a decimal whose exponent BigDecimal cannot hold (179e3000000000)
                    done = true;
                    // the failing event: the one being read, or the next one when the break came between events
                    return Frame.error(inEvent ? ordinal : ordinal + 1, recorder.sinceMark(), e);
                }
            }

            /** Moves the parser onto the Records array; false when the file has none. */
            private boolean seekRecords() throws IOException {
                JsonToken first = parser.nextToken();
                if (first == null) {
                    return false;
                }
                if (first != JsonToken.START_OBJECT) {
                    throw new JsonParseException(parser, "not a CloudTrail log file: the top level is " + first + ", not an object");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (name.equals("Records") && value == JsonToken.START_ARRAY) {
                        return true;
                    }
                    parser.skipChildren();
                }
                return false;
            }

            @Override
            public void close() throws IOException {
                parser.close();
                recorder.close();
            }
        };
    }

    /** What every derived id starts with: says that CloudTrail gave no eventID and the id is a hash. */
    public static final String DERIVED_ID_PREFIX = "derived:sha256:";

    /**
     * The id of a CloudTrail record that has no {@code eventID}: {@value #DERIVED_ID_PREFIX} and the SHA-256, in
     * lower-case hex, of the record's canonical JSON: UTF-8, no whitespace, the members of every object sorted by
     * name, every number by its decimal value (1.10 and 1.1 are one number; an integer as its digits, another
     * number as Java's BigDecimal writes it without trailing zeros), strings and literals as Jackson writes them.
     * The same record read again (a replay, the same file through another source) gets the same id, so its
     * document is overwritten, not duplicated; two records identical in every field are one event delivered
     * twice and get one id.
     */
    public static String derivedId(JsonNode record) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (JsonGenerator out = Json.MAPPER.getFactory().createGenerator(
                new DigestOutputStream(OutputStream.nullOutputStream(), sha256))) {
            writeCanonical(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a digest stream does not fail
        }
        return DERIVED_ID_PREFIX + HexFormat.of().formatHex(sha256.digest());
    }

    private static void writeCanonical(JsonNode node, JsonGenerator out) throws IOException {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                sorted.put(field.getKey(), field.getValue());
            }
            out.writeStartObject();
            for (Map.Entry<String, JsonNode> field : sorted.entrySet()) {
                out.writeFieldName(field.getKey());
                writeCanonical(field.getValue(), out);
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                writeCanonical(element, out);
            }
            out.writeEndArray();
        } else if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            // an integer (of up to 100 digits) as its digits, 80 not 8E+1; any other number as BigDecimal writes it
            boolean integer = value.scale() <= 0 && value.precision() - value.scale() <= 100;
            out.writeNumber(integer ? value.toPlainString() : value.toString());
        } else {
            out.writeTree(node);
        }
    }
}
