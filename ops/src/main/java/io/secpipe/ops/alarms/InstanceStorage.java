package io.secpipe.ops.alarms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** Instance storage per node of the instance types that have it, from {@code instance-storage.json}. */
final class InstanceStorage {

    private static final Map<String, Integer> GB = load();

    private InstanceStorage() {
    }

    /** GB of one node's instance storage, or null when the type is not listed. */
    static Integer gb(String instanceType) {
        if (instanceType == null) {
            return null;
        }
        return GB.get(instanceType.replaceFirst("\\.(elasticsearch|search)$", ""));
    }

    private static Map<String, Integer> load() {
        try (InputStream in = InstanceStorage.class.getResourceAsStream("instance-storage.json")) {
            JsonNode json = new ObjectMapper().readTree(in);
            Map<String, Integer> gb = new HashMap<>();
            json.get("gb").fields().forEachRemaining(e -> gb.put(e.getKey(), e.getValue().asInt()));
            return Map.copyOf(gb);
        } catch (IOException e) {
            throw new UncheckedIOException("instance-storage.json", e);
        }
    }
}
