package io.secpipe.connect.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP calls the sink makes, on the JDK's client: one bulk path that Elasticsearch 8 and
 * OpenSearch 2/3 both speak, and index templates. Passing failures (no connection, 429, 5xx)
 * are retried with exponential backoff and jitter; the rest are returned to the caller.
 */
final class EngineClient {

    private static final Logger log = LoggerFactory.getLogger(EngineClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One document to write. */
    record BulkItem(String index, String id, byte[] source) {
    }

    /** What the engine said of one item: status, and for a failure its error type and reason. */
    record ItemResult(int status, String errorType, String reason) {
        boolean ok() {
            return status < 300;
        }

        /** A replay wrote a document with this id already: the document is there, which is what we want. */
        boolean alreadyThere() {
            return status == 409;
        }

        boolean retriable() {
            return status == 429 || status >= 500;
        }
    }

    private final HttpClient http;
    private final List<String> urls;
    private final String authorization;
    private final Duration readTimeout;
    private final int maxRetries;
    private final long backoffMs;
    private int urlIndex;

    EngineClient(ElasticsearchSinkConfig config) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(Math.max(1, config.getInt(ElasticsearchSinkConfig.CONNECTION_TIMEOUT_MS))))
                .build();
        this.urls = config.urls();
        this.authorization = config.username() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(
                (config.username() + ":" + (config.password() == null ? "" : config.password())).getBytes(StandardCharsets.UTF_8));
        int readTimeoutMs = config.getInt(ElasticsearchSinkConfig.READ_TIMEOUT_MS);
        this.readTimeout = readTimeoutMs == 0 ? Duration.ofDays(1) : Duration.ofMillis(readTimeoutMs);
        this.maxRetries = config.getInt(ElasticsearchSinkConfig.MAX_RETRIES);
        this.backoffMs = config.getLong(ElasticsearchSinkConfig.RETRY_BACKOFF_MS);
    }

    void putIndexTemplate(String name, byte[] body) {
        send("PUT", "/_index_template/" + name, "application/json", body);
        log.info("Installed index template {}", name);
    }

    /** Writes the items (op "index": a replay overwrites); results come back in the items' order. */
    List<ItemResult> bulk(List<BulkItem> items) {
        JsonNode response = readJson(send("POST", "/_bulk", "application/x-ndjson", bulkBody(items)));
        List<ItemResult> results = new ArrayList<>(items.size());
        boolean errors = response.path("errors").asBoolean(false);
        JsonNode responseItems = response.path("items");
        if (responseItems.size() != items.size()) {
            throw new ConnectException("The bulk response has " + responseItems.size() + " items for " + items.size() + " sent");
        }
        for (JsonNode item : responseItems) {
            JsonNode result = item.elements().next();
            int status = result.path("status").asInt();
            if (!errors || status < 300) {
                results.add(new ItemResult(status, null, null));
            } else {
                JsonNode error = result.path("error");
                results.add(new ItemResult(status, error.path("type").asText("unknown"), error.path("reason").asText(error.toString())));
            }
        }
        return results;
    }

    private static byte[] bulkBody(List<BulkItem> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() * 512);
        try {
            for (BulkItem item : items) {
                try (JsonGenerator gen = JSON.getFactory().createGenerator(out)) {
                    gen.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
                    gen.writeStartObject();
                    gen.writeObjectFieldStart("index");
                    gen.writeStringField("_index", item.index());
                    gen.writeStringField("_id", item.id());
                    gen.writeEndObject();
                    gen.writeEndObject();
                }
                out.write('\n');
                out.write(item.source());
                out.write('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ConnectException("The engine answered with something that is not JSON", e);
        }
    }

    /** Sends with retries; returns the body of a 2xx answer, throws on a final failure. */
    private byte[] send(String method, String path, String contentType, byte[] body) {
        String lastProblem = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                sleepBeforeRetry(attempt);
            }
            String url = urls.get(urlIndex) + path;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(readTimeout)
                    .header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status < 300) {
                    return response.body();
                }
                String answer = new String(response.body(), StandardCharsets.UTF_8);
                if (status != 429 && status < 500) {
                    throw new ConnectException(method + " " + path + " was refused with " + status + ": " + abbreviate(answer));
                }
                lastProblem = status + ": " + abbreviate(answer);
            } catch (IOException e) {
                lastProblem = e.toString();
                urlIndex = (urlIndex + 1) % urls.size(); // try the next node
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted during " + method + " " + path, e);
            }
            log.warn("{} {} failed (attempt {} of {}): {}", method, url, attempt + 1, maxRetries + 1, lastProblem);
        }
        throw new ConnectException(method + " " + path + " failed after " + (maxRetries + 1) + " attempts: " + lastProblem);
    }

    /** Exponential backoff with full jitter, capped at a minute. */
    void sleepBeforeRetry(int attempt) {
        long ceiling = Math.min(60_000L, backoffMs * (1L << Math.min(attempt - 1, 20)));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting to retry", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
