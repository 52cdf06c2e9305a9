package io.secpipe.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.ops.local.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingest-to-searchable latency of sampled documents: the writer says when it handed a sampled line over
 * ({@link #written}), and this probe searches for the outstanding ids every 100 ms; the latency of a line is the
 * moment its document first appears in a search minus its write time.
 *
 * <p>Why a search rather than the sink's {@code event.ingested}: the sink stamps that field before it sends the
 * bulk request, so it leaves out the bulk itself and the refresh that makes a document searchable, which is what
 * a user waits for. A search (not a GET by id, which is real-time) sees a document only after that refresh. The
 * cost is a resolution of about the poll interval, and one small search every 100 ms on the engine.
 */
final class SearchableProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MS = 100;

    private final Http engine;
    private final String indices;
    private final Map<String, Long> writtenAt = new ConcurrentHashMap<>();
    private final Map<String, Long> latencies = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int failedSearches;

    SearchableProbe(Http engine, String indices) {
        this.engine = engine;
        this.indices = indices;
        this.thread = new Thread(this::run, "e2e-searchable-probe");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** A sampled line with this document id was handed over at {@code epochMillis}. */
    void written(String id, long epochMillis) {
        writtenAt.put(id, epochMillis);
    }

    private void run() {
        while (running) {
            List<String> outstanding = new ArrayList<>();
            writtenAt.keySet().stream().filter(id -> !latencies.containsKey(id)).forEach(outstanding::add);
            if (!outstanding.isEmpty()) {
                try {
                    search(outstanding);
                } catch (java.io.IOException e) {
                    failedSearches++; // a daily index the sink just created answers 503 until its shard is allocated
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void search(List<String> ids) throws java.io.IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", ids.size());
        body.put("_source", false);
        body.putObject("query").putObject("ids").set("values", JSON.valueToTree(ids));
        JsonNode hits = engine.send("POST", "/" + indices + "/_search?filter_path=hits.hits._id", body).orThrow("_search").body();
        long now = System.currentTimeMillis();
        if (hits != null) {
            for (JsonNode hit : hits.path("hits").path("hits")) {
                String id = hit.path("_id").asText();
                Long at = writtenAt.get(id);
                if (at != null) {
                    latencies.putIfAbsent(id, now - at);
                }
            }
        }
    }

    int sampled() {
        return writtenAt.size();
    }

    boolean allFound() {
        return latencies.size() == writtenAt.size();
    }

    Percentiles latencies() {
        return new Percentiles(latencies.values());
    }

    int failedSearches() {
        return failedSearches;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
