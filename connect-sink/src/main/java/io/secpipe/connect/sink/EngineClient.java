package io.secpipe.connect.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.connect.sink.SecuritySettings.AwsService;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP calls the sink makes, on the JDK's client: one bulk path that Elasticsearch 8 and
 * OpenSearch 2/3 both speak (never GET /, which the Elasticsearch test distribution lacks), and index
 * templates. Passing failures (no connection, 429, 5xx) are retried with exponential backoff and
 * jitter; the rest are returned to the caller. Safe for concurrent bulk calls.
 */
final class EngineClient {

    private static final Logger log = LoggerFactory.getLogger(EngineClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Item errors that pass: a full disk's read-only block, a shard still starting. */
    private static final Set<String> PASSING_ERRORS = Set.of("cluster_block_exception", "unavailable_shards_exception",
            "es_rejected_execution_exception", "rejected_execution_exception", "circuit_breaking_exception");

    /** What the engine said of one item: status, and for a failure its error type and reason. */
    record ItemResult(int status, String errorType, String reason) {
        boolean ok() {
            return status < 300;
        }

        /** A create (data stream, replay) found the document there, or a delete found it gone: what we want. */
        boolean alreadyDone(BulkItem.Op op) {
            return (status == 409 && op == BulkItem.Op.CREATE) || (status == 404 && op == BulkItem.Op.DELETE);
        }

        boolean retriable() {
            return status == 429 || status >= 500 || PASSING_ERRORS.contains(errorType)
                    || (status == 409 && "version_conflict_engine_exception".equals(errorType));
        }
    }

    private final HttpClient http;
    private final List<String> urls;
    private final String authorization;
    private final SigV4Signer signer;
    private final Duration readTimeout;
    private final int maxRetries;
    private final long backoffMs;
    private volatile int urlIndex;

    EngineClient(ElasticsearchSinkConfig config) {
        this(config, config.awsService() == AwsService.NONE ? null
                : SigV4Signer.fromDefaults(config.awsService().name().toLowerCase(Locale.ROOT),
                config.getString(SecuritySettings.AWS_REGION)));
    }

    EngineClient(ElasticsearchSinkConfig config, SigV4Signer signer) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(Math.max(1, config.getInt(ConnectionSettings.CONNECTION_TIMEOUT_MS))));
        if (config.getString(SecuritySettings.SECURITY_PROTOCOL).equalsIgnoreCase("ssl")) {
            builder.sslContext(sslContext(config));
        }
        String proxyHost = config.getString(ConnectionSettings.PROXY_HOST).trim();
        if (!proxyHost.isEmpty()) {
            builder.proxy(ProxySelector.of(new InetSocketAddress(proxyHost, config.getInt(ConnectionSettings.PROXY_PORT))));
            String proxyUser = config.getString(ConnectionSettings.PROXY_USERNAME);
            if (!proxyUser.isEmpty()) {
                char[] proxyPassword = String.valueOf(config.secret(ConnectionSettings.PROXY_PASSWORD)).toCharArray();
                builder.authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return getRequestorType() == RequestorType.PROXY ? new PasswordAuthentication(proxyUser, proxyPassword) : null;
                    }
                });
            }
        }
        this.http = builder.build();
        this.urls = config.urls();
        this.signer = signer;
        this.authorization = authorization(config);
        int readTimeoutMs = config.getInt(ConnectionSettings.READ_TIMEOUT_MS);
        this.readTimeout = readTimeoutMs == 0 ? Duration.ofDays(1) : Duration.ofMillis(readTimeoutMs);
        this.maxRetries = config.getInt(ConnectionSettings.MAX_RETRIES);
        this.backoffMs = config.getLong(ConnectionSettings.RETRY_BACKOFF_MS);
    }

    private static String authorization(ElasticsearchSinkConfig config) {
        String apiKey = config.apiKey();
        if (apiKey != null && !apiKey.isEmpty()) {
            // 'id:key' as Elasticsearch shows it at creation; otherwise already the base64 'encoded' form
            return "ApiKey " + (apiKey.contains(":")
                    ? Base64.getEncoder().encodeToString(apiKey.getBytes(StandardCharsets.UTF_8)) : apiKey);
        }
        if (config.username() == null || config.username().isEmpty()) {
            return null;
        }
        String password = config.password() == null ? "" : config.password();
        return "Basic " + Base64.getEncoder().encodeToString((config.username() + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static SSLContext sslContext(ElasticsearchSinkConfig config) {
        try {
            KeyManagerFactory kmf = null;
            String keystore = config.getString(SecuritySettings.KEYSTORE_LOCATION);
            if (keystore != null && !keystore.isBlank()) {
                char[] storePassword = chars(config.secret(SecuritySettings.KEYSTORE_PASSWORD));
                String keyPassword = config.secret(SecuritySettings.KEY_PASSWORD);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(keystore, config.getString(SecuritySettings.KEYSTORE_TYPE), storePassword),
                        keyPassword == null ? storePassword : keyPassword.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            String truststore = config.getString(SecuritySettings.TRUSTSTORE_LOCATION);
            if (truststore != null && !truststore.isBlank()) {
                tmf.init(load(truststore, config.getString(SecuritySettings.TRUSTSTORE_TYPE),
                        chars(config.secret(SecuritySettings.TRUSTSTORE_PASSWORD))));
            } else {
                tmf.init((KeyStore) null); // the JVM's default CAs
            }
            TrustManager[] trust = tmf.getTrustManagers();
            if (config.getString(SecuritySettings.ENDPOINT_IDENTIFICATION).isEmpty()) {
                trust = new TrustManager[] {new TrustWithoutHostnameCheck((X509TrustManager) trust[0])};
            }
            SSLContext context = SSLContext.getInstance(config.getString(SecuritySettings.SSL_PROTOCOL));
            context.init(kmf == null ? null : kmf.getKeyManagers(), trust, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            // the message names the store, never its password
            throw new ConnectException("Cannot set up TLS from the elastic.https.ssl.* settings: " + e.getMessage(), e);
        }
    }

    private static char[] chars(String secret) {
        return secret == null ? null : secret.toCharArray();
    }

    private static KeyStore load(String location, String type, char[] password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password);
        }
        return store;
    }

    void putIndexTemplate(String name, byte[] body) {
        send("PUT", "/_index_template/" + name, "application/json", body);
        log.info("Installed index template {}", name);
    }

    /** Writes the items; results come back in the items' order. */
    List<ItemResult> bulk(List<BulkItem> items) {
        JsonNode response = readJson(send("POST", "/_bulk", "application/x-ndjson", BulkRequestBody.encode(items)));
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
                String reason = error.path("reason").asText(error.toString());
                JsonNode cause = error.path("caused_by");
                if (cause.has("reason")) {
                    reason = reason + " (" + cause.path("type").asText() + ": " + cause.path("reason").asText() + ")";
                }
                results.add(new ItemResult(status, error.path("type").asText(status == 404 ? "not_found" : "unknown"), reason));
            }
        }
        return results;
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
            int node = urlIndex;
            URI uri = URI.create(urls.get(node % urls.size()) + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(readTimeout)
                    .header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            if (signer != null) {
                // signed per attempt: the date is part of the signature
                signer.sign(method, uri, contentType, body).forEach((name, values) -> {
                    if (!Set.of("host", "content-type", "content-length").contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
            } else if (authorization != null) {
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
                urlIndex = node + 1; // the next node, if there are several
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted during " + method + " " + path, e);
            }
            log.warn("{} {} failed (attempt {} of {}): {}", method, uri, attempt + 1, maxRetries + 1, lastProblem);
        }
        throw new ConnectException(method + " " + path + " failed after " + (maxRetries + 1) + " attempts: " + lastProblem);
    }

    /** Exponential backoff with jitter (between half and all of the doubled wait), capped at a minute. */
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
