package io.secpipe.connect.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.connect.sink.DataStreamSettings.StreamType;
import io.secpipe.connect.sink.IndexingSettings.IdStrategy;
import io.secpipe.connect.sink.WritingSettings.WriteMethod;
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
    private final List<String[]> idFields;
    private final StreamType streamType;
    private final String dataset;
    private final String namespace;
    private final List<String> streamTimestampFields;
    private final BulkItem.Op op;

    DocumentBuilder(ElasticsearchSinkConfig config) {
        this.indexPattern = new IndexPattern(config.getString(IndexingSettings.INDEX_PATTERN));
        this.timestampField = config.getString(IndexingSettings.INDEX_TIMESTAMP_FIELD);
        this.idStrategy = config.idStrategy();
        this.idHeader = config.getString(IndexingSettings.DOCUMENT_ID_HEADER);
        this.idFields = config.getList(IndexingSettings.DOCUMENT_ID_FIELDS).stream().map(f -> f.trim().split("\\.")).toList();
        String ingested = config.getString(WritingSettings.INGESTED_FIELD).strip();
        this.ingestedPath = ingested.isEmpty() ? null : ingested.split("\\.");
        this.streamType = config.dataStreamType();
        this.dataset = config.getString(DataStreamSettings.DATASET).strip();
        this.namespace = config.getString(DataStreamSettings.NAMESPACE).strip();
        this.streamTimestampFields = config.getList(DataStreamSettings.TIMESTAMP_FIELD);
        this.op = streamType != StreamType.NONE ? BulkItem.Op.CREATE
                : config.writeMethod() == WriteMethod.UPSERT ? BulkItem.Op.UPSERT : BulkItem.Op.INDEX;
    }

    BulkItem build(SinkRecord record) throws MalformedRecordException {
        ObjectNode doc = toJson(record.value());
        String index;
        if (streamType != StreamType.NONE) {
            copyStreamTimestamp(doc);
            index = dataStreamName(record.topic());
        } else {
            Instant eventTime = indexPattern.dated() ? eventTime(doc) : Instant.EPOCH;
            index = indexPattern.indexFor(record.topic(), eventTime);
        }
        if (ingestedPath != null) {
            stampIngested(doc);
        }
        try {
            return new BulkItem(op, index, id(record, doc), JSON.writeValueAsBytes(doc));
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("cannot write the document as JSON: " + e.getOriginalMessage());
        }
    }

    /** A delete for a tombstone: only possible when the index does not depend on the (absent) document. */
    BulkItem delete(SinkRecord record) throws MalformedRecordException {
        if (streamType != StreamType.NONE || indexPattern.dated()) {
            throw new MalformedRecordException("a null value cannot delete a document from a dated index or data stream");
        }
        return new BulkItem(BulkItem.Op.DELETE, indexPattern.indexFor(record.topic(), Instant.EPOCH), id(record, null), null);
    }

    String dataStreamName(String topic) {
        String set = dataset.isEmpty() ? topic : dataset;
        return (streamType.name() + "-" + set + "-" + namespace.replace("${topic}", topic)).toLowerCase(java.util.Locale.ROOT);
    }

    private String id(SinkRecord record, ObjectNode doc) {
        switch (idStrategy) {
            case HEADER -> {
                Header header = record.headers().lastWithName(idHeader);
                if (header != null && header.value() != null) {
                    return header.value().toString();
                }
            }
            case KEY -> {
                if (record.key() != null) {
                    return record.key().toString();
                }
            }
            case FIELDS -> {
                String fromFields = doc == null ? null : idFromFields(doc);
                if (fromFields != null) {
                    return fromFields;
                }
            }
            case TOPIC_PARTITION_OFFSET -> {
            }
        }
        return record.topic() + "+" + record.kafkaPartition() + "+" + record.kafkaOffset();
    }

    /** The values of the id fields joined by '|'; null when any is missing, so the caller falls back. */
    private String idFromFields(ObjectNode doc) {
        StringBuilder id = new StringBuilder();
        for (String[] path : idFields) {
            JsonNode node = doc;
            for (String part : path) {
                node = node.path(part);
            }
            if (node.isMissingNode() || node.isNull() || node.isContainerNode()) {
                return null;
            }
            if (id.length() > 0) {
                id.append('|');
            }
            id.append(node.asText());
        }
        return id.toString();
    }

    private void copyStreamTimestamp(ObjectNode doc) {
        for (String field : streamTimestampFields) {
            JsonNode value = doc.get(field.trim());
            if (value != null && !value.isNull()) {
                doc.set("@timestamp", value);
                return;
            }
        }
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
