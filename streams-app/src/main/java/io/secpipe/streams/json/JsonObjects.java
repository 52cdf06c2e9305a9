package io.secpipe.streams.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** Raw record values that must be one JSON object, with the reason when one is not. */
public final class JsonObjects {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a value is not a JSON object, in words fit for a dead letter's header. */
    public static final class NotAnObject extends Exception {
        NotAnObject(String reason) {
            super(reason, null, false, false);
        }
    }

    private JsonObjects() {
    }

    public static ObjectNode parse(byte[] raw) throws NotAnObject {
        if (raw == null) {
            throw new NotAnObject("the record has no value");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new NotAnObject("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new NotAnObject("not JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new NotAnObject("not a JSON object");
        }
        return (ObjectNode) tree;
    }
}
