package io.secpipe.formats.framing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Record keys taken from a JSON document by dotted paths ({@code agent.name}); with several paths the first
 * one that holds a scalar wins, so one setting covers Wazuh ({@code agent.name}) and OSSEC ({@code hostname}).
 */
final class KeyPaths {

    private final List<String[]> paths;

    KeyPaths(List<String> dotted) {
        this.paths = dotted.stream().map(String::strip).filter(p -> !p.isEmpty()).map(p -> p.split("\\.")).toList();
    }

    /** The key, or null when no path is configured or none holds a scalar. */
    String keyOf(JsonNode document) {
        for (String[] path : paths) {
            JsonNode node = document;
            for (String step : path) {
                node = node == null ? null : node.get(step);
            }
            if (node != null && node.isValueNode() && !node.isNull()) {
                return node.asText();
            }
        }
        return null;
    }
}
