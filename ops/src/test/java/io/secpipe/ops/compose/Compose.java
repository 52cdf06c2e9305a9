package io.secpipe.ops.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker-compose.yml as Compose reads it for a given environment: {@code ${NAME:-default}} substituted, then
 * the YAML parsed; the short syntax of volumes and ports (the only one the file uses) taken apart.
 */
public record Compose(JsonNode root) {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /** A bind mount ({@code ./host:/container[:ro]}); named volumes are not mounts of the repository. */
    public record Mount(String host, String container) {
    }

    public static Compose load(Path file, Map<String, String> env) throws IOException {
        Matcher m = VARIABLE.matcher(Files.readString(file));
        StringBuilder text = new StringBuilder();
        while (m.find()) {
            String value = env.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2));
            m.appendReplacement(text, Matcher.quoteReplacement(value));
        }
        m.appendTail(text);
        return new Compose(new YAMLMapper().readTree(text.toString()));
    }

    public List<String> services() {
        List<String> names = new ArrayList<>();
        root.path("services").fieldNames().forEachRemaining(names::add);
        return names;
    }

    public JsonNode service(String name) {
        JsonNode service = root.path("services").path(name);
        if (service.isMissingNode()) {
            throw new IllegalArgumentException("no service " + name);
        }
        return service;
    }

    public List<Mount> mounts(String service) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode volume : service(service).path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[0].startsWith("./")) {
                mounts.add(new Mount(parts[0].substring(2), parts[1]));
            }
        }
        return mounts;
    }

    /** The host path mounted at exactly {@code container} in the service. */
    public String hostPathAt(String service, String container) {
        return mounts(service).stream().filter(m -> m.container().equals(container)).map(Mount::host).findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + container));
    }

    /** Ports the service's containers listen on: {@code expose} and the container side of {@code ports}. */
    public Set<Integer> containerPorts(String service) {
        Set<Integer> ports = new LinkedHashSet<>();
        service(service).path("expose").forEach(p -> ports.add(Integer.parseInt(p.asText())));
        service(service).path("ports").forEach(p -> ports.add(Integer.parseInt(p.asText().split(":")[1])));
        return ports;
    }

    /** host port → container port, per service. */
    public List<int[]> publishedPorts(String service) {
        List<int[]> ports = new ArrayList<>();
        for (JsonNode p : service(service).path("ports")) {
            String[] parts = p.asText().split(":");
            ports.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
        }
        return ports;
    }

    public Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        service(service).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    public List<String> command(String service) {
        List<String> command = new ArrayList<>();
        service(service).path("command").forEach(c -> command.add(c.asText()));
        return command;
    }

    public String image(String service) {
        return service(service).path("image").asText();
    }
}
