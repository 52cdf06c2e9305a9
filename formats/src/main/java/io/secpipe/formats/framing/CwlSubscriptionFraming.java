package io.secpipe.formats.framing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.secpipe.formats.SecpipeHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * CloudWatch Logs subscription payloads as Firehose writes them to S3: JSON objects back to back ({@code {..}{..}},
 * with or without whitespace between; a gzip member each is undone by {@link io.secpipe.formats.Decompression}).
 * Each {@code DATA_MESSAGE} is expanded into its {@code logEvents}: value = the event's {@code message}, key = the
 * {@code logStream}, {@code secpipe.id} = the event {@code id}, the payload's {@code logGroup}, {@code logStream} and
 * {@code owner} (the account id) in the {@code secpipe.cwl.*} headers, and the event's {@code timestamp} as the
 * delivery time (ISO-8601); {@code CONTROL_MESSAGE}s are skipped. Position is
 * the ordinal of the log event in the object, from 1. A payload that is JSON but not a subscription payload (or
 * an event without id or message) is one error frame that takes an ordinal of its own; invalid JSON is one error
 * frame and the end of that input.
 */
public final class CwlSubscriptionFraming implements Framing {

    @Override
    public FrameReader open(InputStream in) throws IOException {
        RecordingInputStream recorder = new RecordingInputStream(in);
        JsonParser parser = Json.MAPPER.createParser(recorder);
        return new FrameReader() {
            private long ordinal;
            private boolean done;
            private JsonNode payload;
            private Iterator<JsonNode> events;

            @Override
            public Frame next(long afterPosition) throws IOException {
                Frame frame;
                do {
                    frame = read();
                } while (frame != null && frame.position() <= afterPosition);
                return frame;
            }

            private Frame read() throws IOException {
                while (true) {
                    if (events != null && events.hasNext()) {
                        return event(++ordinal, events.next());
                    }
                    events = null;
                    if (done) {
                        return null;
                    }
                    try {
                        JsonToken token = parser.nextToken();
                        if (token == null) {
                            done = true;
                            return null;
                        }
                        recorder.markAt(parser.currentTokenLocation().getByteOffset());
                        if (token != JsonToken.START_OBJECT) {
                            parser.skipChildren();
                            return Frame.error(++ordinal, recorder.sinceMark(), "not a subscription payload: " + token);
                        }
                        payload = Json.MAPPER.readTree(parser);
                    } catch (JsonProcessingException | NumberFormatException e) {
                        // NumberFormatException: a decimal whose exponent BigDecimal cannot hold (179e3000000000)
                        done = true;
                        return Frame.error(++ordinal, recorder.sinceMark(), e);
                    }
                    String type = payload.path("messageType").asText();
                    if (type.equals("CONTROL_MESSAGE")) {
                        continue; // CloudWatch Logs checks that the destination is reachable: no log data
                    }
                    JsonNode logEvents = payload.get("logEvents");
                    if (!type.equals("DATA_MESSAGE") || logEvents == null || !logEvents.isArray()) {
                        return Frame.error(++ordinal, bytes(payload),
                                "not a subscription payload: messageType '" + type + "'" + (logEvents == null ? ", no logEvents" : ""));
                    }
                    events = logEvents.elements();
                }
            }

            private Frame event(long position, JsonNode event) {
                JsonNode id = event.get("id");
                JsonNode message = event.get("message");
                if (id == null || !id.isTextual() || message == null || !message.isTextual()) {
                    return Frame.error(position, bytes(event), "a log event without a textual id and message");
                }
                Map<String, String> headers = new HashMap<>();
                headers.put(SecpipeHeaders.ID, id.asText());
                putText(headers, SecpipeHeaders.LOG_GROUP, payload.get("logGroup"));
                putText(headers, SecpipeHeaders.LOG_STREAM, payload.get("logStream"));
                putText(headers, SecpipeHeaders.LOG_OWNER, payload.get("owner"));
                String delivered = deliveryTime(event.get("timestamp"));
                if (delivered != null) {
                    headers.put(SecpipeHeaders.DELIVERY_TIME, delivered);
                }
                JsonNode stream = payload.get("logStream");
                return Frame.record(position, message.asText().getBytes(StandardCharsets.UTF_8),
                        stream != null && stream.isTextual() ? stream.asText() : null, Map.copyOf(headers));
            }

            @Override
            public void close() throws IOException {
                parser.close();
                recorder.close();
            }
        };
    }

    private static void putText(Map<String, String> headers, String name, JsonNode value) {
        if (value != null && value.isValueNode() && !value.isNull()) {
            headers.put(name, value.asText());
        }
    }

    /**
     * The log event's timestamp (epoch milliseconds, a number or its digits) as an ISO-8601 instant; null when
     * it is absent or not a time: the record still goes on, without a delivery time.
     */
    static String deliveryTime(JsonNode timestamp) {
        if (timestamp == null || !(timestamp.isIntegralNumber() || timestamp.isTextual())) {
            return null;
        }
        try {
            long millis = timestamp.isIntegralNumber() ? timestamp.longValue() : Long.parseLong(timestamp.asText().strip());
            return Instant.ofEpochMilli(millis).toString();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null;
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serializes", e);
        }
    }
}
