package io.secpipe.connect.sink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Confluent Hub-style archive this module packages: its layout and manifest, and a real Connect worker with
 * the unzipped archive on its plugin.path. The module's classes are on the test classpath too, but there they
 * report the version "dev": only the archive's jar reports the project version, so the version is what tells
 * the archive's connector apart.
 */
class HubPackageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = System.getProperty("secpipe.version");
    private static final Path ZIP = Path.of(System.getProperty("secpipe.hub.zip"));
    private static final Path PLUGIN_DIR = Path.of(System.getProperty("secpipe.plugin.dir"));
    private static final String BASE = "secpipe-connect-sink-" + VERSION + "/";
    private static final String CONNECTOR = "io.secpipe.connect.sink.ElasticsearchSinkConnector";

    @TempDir
    Path pluginPath;

    @Test
    void theArchiveHoldsTheManifestThePluginDirectorysJarsAndTheDocs() throws IOException {
        assertThat(ZIP.getFileName().toString()).isEqualTo("secpipe-connect-sink-" + VERSION + ".zip");
        List<String> files = new ArrayList<>();
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            zip.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).forEach(files::add);
        }
        List<String> expected = new ArrayList<>(List.of(BASE + "manifest.json", BASE + "doc/README.md", BASE + "doc/LICENSE"));
        fileNames(PLUGIN_DIR).forEach(jar -> expected.add(BASE + "lib/" + jar));
        assertThat(fileNames(PLUGIN_DIR)).contains("connect-sink-" + VERSION + ".jar", "formats-" + VERSION + ".jar");
        assertThat(files).containsExactlyInAnyOrderElementsOf(expected);

        JsonNode manifest;
        try (ZipFile zip = new ZipFile(ZIP.toFile()); InputStream in = zip.getInputStream(zip.getEntry(BASE + "manifest.json"))) {
            manifest = JSON.readTree(in);
        }
        assertThat(manifest.path("name").asText()).isEqualTo("connect-sink");
        assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
        assertThat(manifest.path("title").asText()).isEqualTo("secpipe Elasticsearch and OpenSearch sink connector");
        assertThat(manifest.path("owner").path("username").asText()).isEqualTo("secpipe");
        assertThat(manifest.path("owner").path("type").asText()).isEqualTo("organization");
        assertThat(manifest.path("component_types")).containsExactly(JSON.getNodeFactory().textNode("sink"));
        assertThat(manifest.path("license").path(0).path("name").asText()).isEqualTo("Apache License 2.0");
        assertThat(manifest.path("description").asText()).startsWith("Bulk-indexes JSON records into Elasticsearch 8 and OpenSearch");
    }

    @Test
    void aWorkerWithTheUnzippedArchiveOnItsPluginPathListsTheConnectorAndValidatesTheLocalStacksConfigWithIt() throws Exception {
        unzip(ZIP, pluginPath);
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name("hub-sink").numWorkers(1)
                .workerProps(new HashMap<>(Map.of("plugin.path", pluginPath.toString(), "plugin.discovery", "service_load"))).build();
        connect.start();
        try {
            JsonNode plugins = get(connect.endpointForResource("connector-plugins?connectorsOnly=true"));
            List<String> fromArchive = new ArrayList<>();
            List<String> fromClasspath = new ArrayList<>();
            for (JsonNode plugin : plugins) {
                String listed = plugin.path("type").asText() + " " + plugin.path("class").asText();
                if (plugin.path("version").asText().equals(VERSION)) {
                    fromArchive.add(listed);
                } else if (plugin.path("version").asText().equals("dev")) {
                    fromClasspath.add(listed);
                }
            }
            assertThat(fromArchive).containsExactly("sink " + CONNECTOR);
            // the same class from the test classpath, told apart by its version: were it the packaged jar, both would say VERSION
            assertThat(fromClasspath).containsExactly("sink " + CONNECTOR);

            // the config the local stack registers, with the engine's URL filled in, against the archive's version
            Map<String, String> config = JSON.readValue(Path.of("../connector-configs/local/vpcflow-sink.json").toFile(),
                    new TypeReference<HashMap<String, String>>() { });
            config.put("connection.url", "http://localhost:9200");
            config.put("connector.plugin.version", VERSION);
            config.put("name", "vpcflow-sink");
            ConfigInfos valid = connect.validateConnectorConfig("ElasticsearchSinkConnector", config);
            assertThat(valid.errorCount()).isZero();

            config.put("connection.url", "localhost:9200");
            ConfigInfos invalid = connect.validateConnectorConfig("ElasticsearchSinkConnector", config);
            assertThat(invalid.errorCount()).isEqualTo(1);
            assertThat(invalid.configs()).filteredOn(v -> v.configValue().name().equals("connection.url"))
                    .flatExtracting(v -> v.configValue().errors())
                    .containsExactly("Invalid value localhost:9200 for configuration connection.url: a URL must start with http:// or https://");
        } finally {
            connect.stop();
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void unzip(Path zipFile, Path target) throws IOException {
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("entry outside the archive's directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
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
