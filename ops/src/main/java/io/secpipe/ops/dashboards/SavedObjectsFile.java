package io.secpipe.ops.dashboards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An NDJSON file of saved objects, read once: its bytes go to the import API unchanged, and the objects'
 * type, id and title let the installer say what it installed. A line that is not a saved object stops the
 * install before anything is sent.
 */
public record SavedObjectsFile(Path path, byte[] content, List<SavedObject> objects) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record SavedObject(String type, String id, String title) {
    }

    public static SavedObjectsFile read(Path path) throws IOException {
        byte[] content = Files.readAllBytes(path);
        List<SavedObject> objects = new ArrayList<>();
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new IOException(path + " line " + (i + 1) + " is not JSON: " + e.getOriginalMessage());
            }
            if (!node.path("type").isTextual() || !node.path("id").isTextual()) {
                throw new IOException(path + " line " + (i + 1) + " is not a saved object (no type or id)");
            }
            objects.add(new SavedObject(node.get("type").asText(), node.get("id").asText(),
                    node.path("attributes").path("title").asText("")));
        }
        return new SavedObjectsFile(path, content, List.copyOf(objects));
    }

    public List<SavedObject> ofType(String type) {
        return objects.stream().filter(o -> o.type().equals(type)).toList();
    }
}
