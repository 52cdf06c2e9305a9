package io.secpipe.bench.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A NAB application profile: the weights of a true positive, a false positive and a missed window. (NAB's cost
 * matrices also carry a true-negative weight; its scorer never reads it, so neither does this one.)
 */
public record Profile(String name, double tpWeight, double fpWeight, double fnWeight) {

    /** The profiles of NAB's {@code config/profiles.json}, in the file's order. */
    public static List<Profile> load(Path profilesJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(profilesJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the NAB profiles " + profilesJson, e);
        }
        List<Profile> profiles = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            JsonNode costs = entry.getValue().path("CostMatrix");
            profiles.add(new Profile(entry.getKey(), weight(costs, "tpWeight", profilesJson),
                    weight(costs, "fpWeight", profilesJson), weight(costs, "fnWeight", profilesJson)));
        }
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("no profile in " + profilesJson);
        }
        return profiles;
    }

    private static double weight(JsonNode costs, String field, Path file) {
        JsonNode value = costs.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException(file + ": a profile's CostMatrix has no number " + field + ": " + costs);
        }
        return value.asDouble();
    }
}
