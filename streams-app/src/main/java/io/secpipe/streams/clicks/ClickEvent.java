package io.secpipe.streams.clicks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.streams.json.JsonObjects;
import io.secpipe.streams.time.EventTimes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * One clickstream event, {@code {"article_id", "user_id", "action", "timestamp"}}: an article shown to a user
 * ({@code impression}) or opened ({@code click}). Any other action, or none, is {@link Action#OTHER}: as in the
 * seed's {@code SUM(CASE ACTION WHEN 'impression' THEN 1 ELSE 0 END)}, it adds 0 to both counts, and its minute
 * still has a row. The event time is {@code timestamp} (ISO-8601, or epoch milliseconds) and, where a producer
 * sends none, the record's own timestamp.
 */
public record ClickEvent(String articleId, String userId, Action action, long epochMillis) {

    public enum Action { IMPRESSION, CLICK, OTHER }

    static final ObjectMapper JSON = new ObjectMapper();

    public static ClickEvent parse(byte[] value, long recordTimestamp) throws MalformedClickException {
        JsonNode event;
        try {
            event = JsonObjects.parse(value);
        } catch (JsonObjects.NotAnObject e) {
            throw new MalformedClickException(e.getMessage(), e);
        }
        String article = text(event, "article_id");
        JsonNode name = event.get("action");
        Action action = switch (name != null && name.isTextual() ? name.asText().toLowerCase(Locale.ROOT) : "") {
            case "click" -> Action.CLICK;
            case "impression" -> Action.IMPRESSION;
            default -> Action.OTHER;
        };
        // a missing user is counted as an unknown one, as a user the reference data does not know
        JsonNode user = event.get("user_id");
        String userId = user == null || user.isNull() ? null : user.asText();
        return new ClickEvent(article, userId, action, time(event.get("timestamp"), recordTimestamp));
    }

    private static String text(JsonNode event, String field) throws MalformedClickException {
        JsonNode v = event.get(field);
        if (v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()) {
            throw new MalformedClickException("no " + field);
        }
        return v.asText();
    }

    private static long time(JsonNode timestamp, long recordTimestamp) throws MalformedClickException {
        if (timestamp == null || timestamp.isNull()) {
            return recordTimestamp;
        }
        long millis;
        if (timestamp.isIntegralNumber() && timestamp.canConvertToLong()) {
            millis = timestamp.asLong();
        } else if (timestamp.isTextual()) {
            try {
                millis = OffsetDateTime.parse(timestamp.asText()).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new MalformedClickException("timestamp '" + timestamp.asText() + "' is not ISO-8601 with an offset");
            }
        } else {
            throw new MalformedClickException("timestamp " + timestamp + " is neither ISO-8601 nor epoch milliseconds");
        }
        if (!EventTimes.acceptedMillis(millis)) {
            throw new MalformedClickException(EventTimes.outOfRange(Instant.ofEpochMilli(millis)));
        }
        return millis;
    }
}
