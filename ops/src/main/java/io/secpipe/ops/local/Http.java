package io.secpipe.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** JSON over HTTP for the Connect REST API and the engine. */
public final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: status and body parsed as JSON (null when the body is empty or not JSON). */
    public record Answer(int status, JsonNode body, String text) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        public Answer orThrow(String what) throws IOException {
            if (!ok()) {
                throw new IOException(what + " answered " + status + ": " + text);
            }
            return this;
        }
    }

    private final HttpClient client;
    private final String baseUrl;
    private final String authorization;

    public Http(String baseUrl) {
        this(baseUrl, null, null);
    }

    /** Over TLS trusting {@code ssl}'s CAs (null: the JVM's), sending {@code authorization} (null: none) on every request. */
    public Http(String baseUrl, SSLContext ssl, String authorization) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.client = builder.build();
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    /** Environment variables with the engine's basic-auth credentials, for the commands that talk to a secured engine. */
    public static final String ENGINE_USERNAME_ENV = "SECPIPE_ENGINE_USERNAME";
    public static final String ENGINE_PASSWORD_ENV = "SECPIPE_ENGINE_PASSWORD";

    /**
     * A client of the search engine at {@code url} (a trailing slash dropped), with basic authentication when
     * {@value #ENGINE_USERNAME_ENV} is set: credentials never come from the command line, where {@code ps} shows them.
     */
    public static Http engine(String url, java.util.Map<String, String> env) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String user = env.get(ENGINE_USERNAME_ENV);
        if (user == null || user.isEmpty()) {
            return new Http(base);
        }
        String credentials = user + ":" + env.getOrDefault(ENGINE_PASSWORD_ENV, "");
        return new Http(base, null, "Basic " + java.util.Base64.getEncoder()
                .encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    public Answer send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            byte[] bytes = body instanceof byte[] raw ? raw : JSON.writeValueAsBytes(body);
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = response.body().isBlank() ? null : JSON.readTree(response.body());
        } catch (IOException notJson) {
            // keep the text
        }
        return new Answer(response.statusCode(), json, response.body());
    }
}
