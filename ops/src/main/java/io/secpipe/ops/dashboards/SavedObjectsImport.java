package io.secpipe.ops.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code POST /api/saved_objects/_import?overwrite=true} of Kibana or OpenSearch Dashboards: the NDJSON as the
 * multipart part {@code file}, the flavor's XSRF header, optional basic auth. With stable object ids and
 * overwrite, a second import replaces what the first wrote, so installing is idempotent.
 *
 * <p>Not through {@code local.Http}: that helper sends JSON bodies only and no extra headers.
 */
public final class SavedObjectsImport {

    private static final String PATH = "/api/saved_objects/_import?overwrite=true";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Basic-auth credentials; never printed. */
    public record Credentials(String username, String password) {
        public static final String USERNAME_ENV = "SECPIPE_DASHBOARDS_USERNAME";
        public static final String PASSWORD_ENV = "SECPIPE_DASHBOARDS_PASSWORD";

        /** From the environment only, so a password never shows in a command line or a shell history. */
        public static Optional<Credentials> fromEnvironment(Function<String, String> env) {
            String username = env.apply(USERNAME_ENV);
            String password = env.apply(PASSWORD_ENV);
            boolean hasUser = username != null && !username.isEmpty();
            if (hasUser != (password != null && !password.isEmpty())) {
                throw new IllegalArgumentException("set both " + USERNAME_ENV + " and " + PASSWORD_ENV + ", or neither");
            }
            return hasUser ? Optional.of(new Credentials(username, password)) : Optional.empty();
        }

        String header() {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    /** What the import did: {@code problems} are one line each, empty when every object was imported. */
    public record Outcome(int successCount, List<String> problems) {
        public boolean success() {
            return problems.isEmpty();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final Flavor flavor;
    private final Optional<Credentials> credentials;

    public SavedObjectsImport(String url, Flavor flavor, Optional<Credentials> credentials) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("the URL must start with http:// or https://: " + url);
        }
        this.baseUrl = url.replaceAll("/+$", "");
        this.flavor = flavor;
        this.credentials = credentials;
    }

    public Outcome post(SavedObjectsFile file) throws IOException, InterruptedException {
        String boundary = "secpipe-" + UUID.randomUUID();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + PATH))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header(flavor.xsrfHeader(), "true")
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, file)));
        credentials.ifPresent(c -> request.header("Authorization", c.header()));
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("cannot connect to " + baseUrl + " (is " + flavor.id() + " running there?)", e);
        } catch (HttpTimeoutException e) {
            throw new IOException(baseUrl + " did not answer in time", e);
        }
        return outcome(response.statusCode(), response.body());
    }

    /** The one part {@code file}; the API wants a file name ending in .ndjson. */
    private static byte[] multipart(String boundary, SavedObjectsFile file) throws IOException {
        String name = file.path().getFileName().toString();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: application/ndjson\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(file.content());
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    Outcome outcome(int status, String text) {
        JsonNode body = parse(text);
        if (status < 200 || status >= 300) {
            String message = body != null && body.path("message").isTextual() ? body.get("message").asText() : abbreviate(text);
            String hint = switch (status) {
                case 401, 403 -> " (credentials come from " + Credentials.USERNAME_ENV + " and " + Credentials.PASSWORD_ENV + ")";
                case 404 -> " (is " + baseUrl + " " + flavor.id() + ", with its base path?)";
                default -> "";
            };
            return new Outcome(0, List.of("HTTP " + status + ": " + message + hint));
        }
        if (body == null || !body.path("success").isBoolean()) {
            return new Outcome(0, List.of("not a saved-objects import answer (is " + baseUrl + " " + flavor.id() + "?): "
                    + abbreviate(text)));
        }
        List<String> problems = new ArrayList<>();
        body.path("errors").forEach(error -> problems.add(describe(error)));
        if (!body.get("success").asBoolean() && problems.isEmpty()) {
            problems.add("the import failed without naming an object: " + abbreviate(text));
        }
        return new Outcome(body.path("successCount").asInt(), List.copyOf(problems));
    }

    /** One failed object: {@code type id "title": error type, and what it lacks or says}. */
    private static String describe(JsonNode error) {
        JsonNode cause = error.path("error");
        StringBuilder line = new StringBuilder()
                .append(error.path("type").asText("?")).append(' ').append(error.path("id").asText("?"));
        String title = error.path("title").asText(error.path("meta").path("title").asText(""));
        if (!title.isEmpty()) {
            line.append(" \"").append(title).append('"');
        }
        line.append(": ").append(cause.path("type").asText("unknown"));
        List<String> details = new ArrayList<>();
        cause.path("references").forEach(r -> details.add("missing " + r.path("type").asText() + " " + r.path("id").asText()));
        if (cause.path("message").isTextual()) {
            details.add(cause.get("message").asText());
        }
        if (!details.isEmpty()) {
            line.append(" (").append(String.join("; ", details)).append(')');
        }
        return line.toString();
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? null : JSON.readTree(text);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }
}
