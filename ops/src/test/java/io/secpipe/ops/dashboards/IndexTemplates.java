package io.secpipe.ops.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The index templates of {@code search/templates/}, as the dashboards see them: which template an index
 * pattern names, and the mapped type of a field path, field aliases resolved to their target.
 */
final class IndexTemplates {

    record Template(String file, List<String> indexPatterns, JsonNode properties) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Template> templates;

    IndexTemplates(List<Template> templates) {
        this.templates = List.copyOf(templates);
    }

    static IndexTemplates load(Path dir) throws IOException {
        List<Template> templates = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode body = JSON.readTree(file.toFile());
                List<String> patterns = new ArrayList<>();
                body.path("index_patterns").forEach(p -> patterns.add(p.asText()));
                templates.add(new Template(file.getFileName().toString(), patterns,
                        body.path("template").path("mappings").path("properties")));
            }
        }
        return new IndexTemplates(templates);
    }

    List<Template> all() {
        return templates;
    }

    /** The template that lists exactly this index pattern. */
    Optional<Template> forPattern(String pattern) {
        return templates.stream().filter(t -> t.indexPatterns().contains(pattern)).findFirst();
    }

    /**
     * The field's mapped type ({@code keyword}, {@code long}, ...; {@code object} for a path that only holds
     * sub-fields), following an alias to its target; empty when the template does not map the path.
     */
    static Optional<String> fieldType(Template template, String path) {
        return fieldType(template.properties(), path, 0);
    }

    private static Optional<String> fieldType(JsonNode root, String path, int aliasHops) {
        JsonNode node = null;
        JsonNode level = root;
        for (String part : path.split("\\.")) {
            if (node != null) {
                // below a field: its sub-objects, or its multi-fields (name.keyword)
                level = node.has("properties") ? node.get("properties") : node.path("fields");
            }
            node = level.get(part);
            if (node == null) {
                return Optional.empty();
            }
        }
        String type = node.path("type").asText(node.has("properties") ? "object" : "");
        if (type.equals("alias")) {
            return aliasHops > 0 ? Optional.empty() : fieldType(root, node.path("path").asText(), aliasHops + 1);
        }
        if (!node.path("enabled").asBoolean(true)) {
            return Optional.of("disabled " + type); // stored, never indexed
        }
        return Optional.of(type);
    }
}
