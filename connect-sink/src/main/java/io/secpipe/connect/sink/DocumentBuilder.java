package io.secpipe.connect.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.connect.sink.ElasticsearchSinkConfig.IdStrategy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/** Turns a sink record into a bulk item: its JSON source, its index (by event time) and its id. */
final class DocumentBuilder {

    /** A record that cannot become a document; the message says why. */
    static final class MalformedRecordException extends Exception {
        MalformedRecordException(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IndexPattern indexPattern;
    private final String timestampField;
    private final IdStrategy idStrategy;
    private final String idHeader;
    private final String[] ingestedPath;

    DocumentBuilder(ElasticsearchSinkConfig config) {
        this.indexPattern = new IndexPattern(config.getString(ElasticsearchSinkConfig.INDEX_PATTERN));
        this.timestampField = config.getString(ElasticsearchSinkConfig.INDEX_TIMESTAMP_FIELD);
        this.idStrategy = config.idStrategy();
        this.idHeader = config.getString(ElasticsearchSinkConfig.DOCUMENT_ID_HEADER);
        String ingested = config.getString(ElasticsearchSinkConfig.INGESTED_FIELD).strip();
        this.ingestedPath = ingested.isEmpty() ? null : ingested.split("\\.");
    }

    EngineClient.BulkItem build(SinkRecord record) throws MalformedRecordException {
        ObjectNode doc = toJson(record.value());
        Instant eventTime = indexPattern.dated() ? eventTime(doc) : Instant.EPOCH;
        String index = indexPattern.indexFor(record.topic(), eventTime);
        if (ingestedPath != null) {
            stampIngested(doc);
        }
        try {
            return new EngineClient.BulkItem(index, id(record), JSON.writeValueAsBytes(doc));
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("cannot write the document as JSON: " + e.getOriginalMessage());
        }
    }

    private String id(SinkRecord record) {
        if (idStrategy == IdStrategy.HEADER) {
            Header header = record.headers().lastWithName(idHeader);
            if (header != null && header.value() != null) {
                return header.value().toString();
            }
        } else if (idStrategy == IdStrategy.KEY && record.key() != null) {
            return record.key().toString();
        }
        return record.topic() + "+" + record.kafkaPartition() + "+" + record.kafkaOffset();
    }

    private static ObjectNode toJson(Object value) throws MalformedRecordException {
        JsonNode node;
        try {
            if (value instanceof byte[] bytes) {
                node = JSON.readTree(bytes);
            } else if (value instanceof String text) {
                node = JSON.readTree(text);
            } else if (value instanceof Map<?, ?> || value instanceof Struct) {
                node = JSON.valueToTree(plain(value));
            } else {
                throw new MalformedRecordException("a value of type " + (value == null ? "null" : value.getClass().getName())
                        + " is not a document");
            }
        } catch (IOException e) {
            throw new MalformedRecordException("the value is not JSON: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new MalformedRecordException("the value is JSON but not an object");
        }
        return object;
    }

    /** Connect Structs as plain maps and lists, so Jackson writes them as it writes schemaless values. */
    private static Object plain(Object value) {
        if (value instanceof Struct struct) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Field field : struct.schema().fields()) {
                map.put(field.name(), plain(struct.get(field)));
            }
            return map;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, plain(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value;
    }

    /** Sets the ingested field to now, creating the objects of a dotted name; a non-object in the way makes the record malformed. */
    private void stampIngested(ObjectNode doc) throws MalformedRecordException {
        ObjectNode parent = doc;
        for (int i = 0; i < ingestedPath.length - 1; i++) {
            JsonNode child = parent.get(ingestedPath[i]);
            if (child == null) {
                parent = parent.putObject(ingestedPath[i]);
            } else if (child instanceof ObjectNode object) {
                parent = object;
            } else {
                throw new MalformedRecordException("'" + ingestedPath[i] + "' is not an object, so "
                        + String.join(".", ingestedPath) + " cannot be set");
            }
        }
        parent.put(ingestedPath[ingestedPath.length - 1], Instant.now().toString());
    }

    private Instant eventTime(ObjectNode doc) throws MalformedRecordException {
        JsonNode time = doc.get(timestampField);
        if (time == null || time.isNull()) {
            throw new MalformedRecordException("the document has no '" + timestampField + "' to choose its daily index by");
        }
        if (time.isNumber()) {
            return Instant.ofEpochMilli(time.asLong());
        }
        String text = time.asText();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(text));
            } catch (NumberFormatException notEpoch) {
                throw new MalformedRecordException("'" + timestampField + "' is neither ISO-8601 nor epoch milliseconds: '" + text + "'");
            }
        }
    }
}
