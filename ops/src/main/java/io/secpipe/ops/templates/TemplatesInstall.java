package io.secpipe.ops.templates;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Installs every index template of {@code search/templates/} as {@code secpipe-<file name>}, the
 * name the sink uses when it installs a bundled template, so either way ends in the same state.
 */
public final class TemplatesInstall {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final PrintStream out;

    public TemplatesInstall(String url, PrintStream out) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.out = out;
    }

    /** Returns how many templates were installed; throws on the first the engine refuses. */
    public int install(Path dir) throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            String name = "secpipe-" + file.getFileName().toString().replaceFirst("\\.json$", "");
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/_index_template/" + name))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IOException("PUT _index_template/" + name + " answered " + response.statusCode() + ": " + response.body());
            }
            out.println("  installed " + name + " from " + file);
        }
        return files.size();
    }
}
