package io.secpipe.formats.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Confluent Hub-style archive a connector module packages, as its HubPackageIT sees it: connect-source and
 * connect-sink are separate plugins that share only formats, so their one archive test lives here. The failsafe
 * configuration of each module passes {@code secpipe.version}, {@code secpipe.hub.zip} and {@code secpipe.plugin.dir}.
 */
public record HubArchive(String artifact, String version, Path zip, Path pluginDir) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The archive of the module {@code artifact} (connect-source, connect-sink) the build under test packaged. */
    public static HubArchive of(String artifact) {
        return new HubArchive(artifact, System.getProperty("secpipe.version"),
                Path.of(System.getProperty("secpipe.hub.zip")), Path.of(System.getProperty("secpipe.plugin.dir")));
    }

    /** The archive holds the manifest, the plugin directory's jars and the docs, under one versioned directory. */
    public void assertLayoutAndManifest(String title, String componentType, String descriptionStart) throws IOException {
        String base = "secpipe-" + artifact + "-" + version + "/";
        assertThat(zip.getFileName().toString()).isEqualTo("secpipe-" + artifact + "-" + version + ".zip");
        List<String> files = new ArrayList<>();
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            archive.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).forEach(files::add);
        }
        List<String> expected = new ArrayList<>(List.of(base + "manifest.json", base + "doc/README.md", base + "doc/LICENSE"));
        fileNames(pluginDir).forEach(jar -> expected.add(base + "lib/" + jar));
        assertThat(fileNames(pluginDir)).contains(artifact + "-" + version + ".jar", "formats-" + version + ".jar");
        assertThat(files).containsExactlyInAnyOrderElementsOf(expected);

        JsonNode manifest;
        try (ZipFile archive = new ZipFile(zip.toFile());
             InputStream in = archive.getInputStream(archive.getEntry(base + "manifest.json"))) {
            manifest = JSON.readTree(in);
        }
        assertThat(manifest.path("name").asText()).isEqualTo(artifact);
        assertThat(manifest.path("version").asText()).isEqualTo(version);
        assertThat(manifest.path("title").asText()).isEqualTo(title);
        assertThat(manifest.path("owner").path("username").asText()).isEqualTo("secpipe");
        assertThat(manifest.path("owner").path("type").asText()).isEqualTo("organization");
        assertThat(manifest.path("component_types")).containsExactly(JSON.getNodeFactory().textNode(componentType));
        assertThat(manifest.path("license").path(0).path("name").asText()).isEqualTo("Apache License 2.0");
        assertThat(manifest.path("description").asText()).startsWith(descriptionStart);
    }

    /**
     * The secpipe connectors of {@code type} a worker lists at {@code pluginsUrl} (its connector-plugins endpoint)
     * with the version {@code pluginVersion}: the archive's report the project version, the test classpath's "dev".
     */
    public static List<String> connectors(String pluginsUrl, String type, String pluginVersion)
            throws IOException, InterruptedException {
        List<String> classes = new ArrayList<>();
        for (JsonNode plugin : get(pluginsUrl)) {
            if (plugin.path("type").asText().equals(type) && plugin.path("class").asText().startsWith("io.secpipe.")
                    && plugin.path("version").asText().equals(pluginVersion)) {
                classes.add(plugin.path("class").asText());
            }
        }
        return classes;
    }

    public static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    public void unzipTo(Path target) throws IOException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : archive.stream().toList()) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("entry outside the archive's directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = archive.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                }
            }
        }
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
