package io.secpipe.streams.anomaly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Reads a record's JSON value as a {@link Point} of its series, as a {@link SeriesConfig} says. */
final class PointReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SeriesConfig config;

    PointReader(SeriesConfig config) {
        this.config = config;
    }

    /**
     * The point, or null for a series this family skips (its name lacks the key prefix). A reading without the
     * timestamp field (the seed's sensor records have none) takes {@code recordTimestamp}, the Kafka record's time.
     */
    Point read(String recordKey, byte[] value, long recordTimestamp) throws BadPointException {
        JsonNode doc;
        try {
            doc = value == null ? null : JSON.readTree(value);
        } catch (IOException e) {
            throw new BadPointException("not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        if (doc == null || !doc.isObject()) {
            throw new BadPointException("not a JSON object");
        }
        String series = series(recordKey, doc);
        if (!series.startsWith(config.keyPrefix())) {
            return null;
        }
        List<String> fields = config.valueFields();
        double[] values = new double[fields.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = path(doc, fields.get(i));
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw new BadPointException("field " + fields.get(i) + " is not a finite number: " + v);
            }
            values[i] = v.doubleValue();
        }
        JsonNode t = path(doc, config.timestampField());
        if (t.isMissingNode() || t.isNull()) {
            if (recordTimestamp < 0) {
                throw new BadPointException("timestamp field " + config.timestampField() + " is missing, and the record has no timestamp");
            }
            return new Point(series, recordTimestamp, values, true);
        }
        return new Point(series, timestamp(t), values, false);
    }

    private String series(String recordKey, JsonNode doc) throws BadPointException {
        if (config.keyFields().isEmpty()) {
            if (recordKey == null) {
                throw new BadPointException("no record key to name the series");
            }
            return recordKey;
        }
        StringBuilder name = new StringBuilder();
        for (String field : config.keyFields()) {
            JsonNode v = path(doc, field);
            if (!v.isValueNode() || v.isNull()) {
                throw new BadPointException("key field " + field + " is missing");
            }
            name.append(name.isEmpty() ? "" : "|").append(v.asText());
        }
        return name.toString();
    }

    private long timestamp(JsonNode t) throws BadPointException {
        if (t.isIntegralNumber()) {
            return t.longValue();
        }
        if (t.isTextual()) {
            try {
                return Instant.parse(t.textValue()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new BadPointException("timestamp field " + config.timestampField() + " is not ISO-8601: " + t.textValue(), e);
            }
        }
        throw new BadPointException("timestamp field " + config.timestampField() + " is neither ISO-8601 text nor epoch milliseconds: " + t);
    }

    /** A dotted path ({@code rule.level}) into the document; a missing node if any step is absent. */
    private static JsonNode path(JsonNode doc, String dotted) {
        JsonNode node = doc;
        for (String step : dotted.split("\\.")) {
            node = node.path(step);
        }
        return node;
    }
}
