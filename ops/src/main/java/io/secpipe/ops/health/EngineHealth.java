package io.secpipe.ops.health;

import com.fasterxml.jackson.databind.JsonNode;
import io.secpipe.ops.health.Finding.Level;
import io.secpipe.ops.local.Http;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The health of an Elasticsearch 8 or OpenSearch cluster from its REST API: cluster status, each node's disk against
 * the watermarks in force, each node's heap, and write blocks on the cluster or on indices.
 */
public final class EngineHealth {

    /** Heap use worth a warning: the OpenSearch Service guidance keeps JVM memory pressure below 85%. */
    static final int HEAP_WARN_PERCENT = 85;
    private static final String DISK = "cluster.routing.allocation.disk.";

    private final Http http;

    public EngineHealth(String url) {
        this.http = Http.engine(url, System.getenv());
    }

    public List<Finding> check() throws IOException, InterruptedException {
        List<Finding> findings = new ArrayList<>();
        findings.add(status(get("/_cluster/health")));
        JsonNode settings = get("/_cluster/settings?include_defaults=true&flat_settings=true");
        JsonNode nodes = get("/_nodes/stats/fs,jvm");
        findings.addAll(disks(settings, nodes));
        findings.addAll(heaps(nodes));
        findings.add(writeBlocks(get("/_cluster/state/blocks")));
        return findings;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return http.send("GET", path, null).orThrow("GET " + path).body();
    }

    static Finding status(JsonNode health) {
        String status = health.path("status").asText();
        String detail = String.format(Locale.ROOT, "%s: %d node(s), %d data node(s), %d active shard(s), %d unassigned", status,
                health.path("number_of_nodes").asInt(), health.path("number_of_data_nodes").asInt(),
                health.path("active_shards").asInt(), health.path("unassigned_shards").asInt());
        Level level = switch (status) {
            case "green" -> Level.OK;
            case "yellow" -> Level.WARN;
            default -> Level.FAIL;
        };
        return new Finding("cluster status", level, detail);
    }

    /** Transient settings win over persistent ones, which win over the defaults. */
    static String setting(JsonNode settings, String key) {
        for (String scope : new String[] {"transient", "persistent", "defaults"}) {
            JsonNode value = settings.path(scope).get(key);
            if (value != null && !value.isNull()) {
                return value.asText();
            }
        }
        return null;
    }

    static List<Watermark> watermarks(JsonNode settings) {
        List<Watermark> marks = new ArrayList<>();
        for (String name : new String[] {"low", "high", "flood_stage"}) {
            String key = DISK + "watermark." + name;
            String value = setting(settings, key);
            if (value != null) {
                marks.add(Watermark.parse(name, value, setting(settings, key + ".max_headroom")));
            }
        }
        return marks;
    }

    static List<Finding> disks(JsonNode settings, JsonNode nodeStats) {
        if ("false".equals(setting(settings, DISK + "threshold_enabled"))) {
            return List.of(new Finding("disk", Level.WARN, "disk watermarks are off (" + DISK + "threshold_enabled=false)"));
        }
        List<Watermark> marks = watermarks(settings);
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, JsonNode> node : byName(nodeStats).entrySet()) {
            JsonNode fs = node.getValue().path("fs").path("total");
            if (!fs.has("total_in_bytes")) {
                continue;
            }
            long total = fs.get("total_in_bytes").asLong();
            long available = fs.get("available_in_bytes").asLong();
            List<String> over = marks.stream().filter(m -> m.exceeded(total, available)).map(m -> m.name() + " (" + m.setting() + ")").toList();
            String detail = String.format(Locale.ROOT, "%s: %.1f%% used, %s available of %s", node.getKey(),
                    total == 0 ? 0.0 : 100.0 * (total - available) / total, human(available), human(total))
                    + (over.isEmpty() ? "" : "; over watermark " + String.join(", ", over));
            findings.add(new Finding("disk", over.isEmpty() ? Level.OK : Level.WARN, detail));
        }
        return findings;
    }

    static List<Finding> heaps(JsonNode nodeStats) {
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, JsonNode> node : byName(nodeStats).entrySet()) {
            JsonNode mem = node.getValue().path("jvm").path("mem");
            int percent = mem.path("heap_used_percent").asInt();
            String detail = String.format(Locale.ROOT, "%s: %d%% of %s used", node.getKey(), percent, human(mem.path("heap_max_in_bytes").asLong()));
            findings.add(new Finding("heap", percent >= HEAP_WARN_PERCENT ? Level.WARN : Level.OK, detail));
        }
        return findings;
    }

    /** Blocks whose levels include {@code write}: the cluster's, and each index's (read-only, flood stage, write). */
    static Finding writeBlocks(JsonNode state) {
        List<String> blocked = new ArrayList<>();
        JsonNode blocks = state.path("blocks");
        for (JsonNode block : iterable(blocks.path("global").elements())) {
            if (writes(block)) {
                blocked.add("cluster: " + block.path("description").asText());
            }
        }
        for (Map.Entry<String, JsonNode> index : iterable(blocks.path("indices").fields())) {
            for (JsonNode block : iterable(index.getValue().elements())) {
                if (writes(block)) {
                    blocked.add(index.getKey() + ": " + block.path("description").asText());
                }
            }
        }
        blocked.sort(null);
        return blocked.isEmpty() ? new Finding("write blocks", Level.OK, "none")
                : new Finding("write blocks", Level.FAIL, String.join("; ", blocked));
    }

    private static boolean writes(JsonNode block) {
        for (JsonNode level : block.path("levels")) {
            if (level.asText().equals("write")) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, JsonNode> byName(JsonNode nodeStats) {
        Map<String, JsonNode> nodes = new TreeMap<>();
        nodeStats.path("nodes").fields().forEachRemaining(e -> nodes.put(e.getValue().path("name").asText(e.getKey()), e.getValue()));
        return nodes;
    }

    private static <T> Iterable<T> iterable(Iterator<T> iterator) {
        return () -> iterator;
    }

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
