package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** JSON documents as Jackson trees. Bytes that are not JSON read as null, so one bad record cannot stop a task. */
public final class JsonSerde {

    static final ObjectMapper JSON = new ObjectMapper();

    private JsonSerde() {
    }

    public static Serde<JsonNode> serde() {
        Serializer<JsonNode> serializer = (topic, node) -> node == null ? null : bytes(node);
        Deserializer<JsonNode> deserializer = (topic, data) -> read(data);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("a tree always serializes", e);
        }
    }

    static JsonNode read(byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            return null;
        }
    }
}
