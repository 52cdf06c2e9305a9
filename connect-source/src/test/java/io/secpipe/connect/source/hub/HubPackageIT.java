package io.secpipe.connect.source.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.connect.source.ConnectCluster;
import io.secpipe.formats.framing.ParquetFlowLogFiles;
import io.secpipe.formats.vpcflow.FlowLogFormat;
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
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Confluent Hub-style archive this module packages: its layout and manifest, and a real Connect worker with
 * the unzipped archive on its plugin.path. The module's classes are on the test classpath too, but there they
 * report the version "dev": only the archive's jar reports the project version, so the version is what tells
 * the archive's connectors apart.
 */
class HubPackageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = System.getProperty("secpipe.version");
    private static final Path ZIP = Path.of(System.getProperty("secpipe.hub.zip"));
    private static final Path PLUGIN_DIR = Path.of(System.getProperty("secpipe.plugin.dir"));
    private static final String BASE = "secpipe-connect-source-" + VERSION + "/";
    private static final List<String> CONNECTORS = List.of(
            "io.secpipe.connect.source.cloudwatch.CloudWatchLogsSourceConnector",
            "io.secpipe.connect.source.ec2.Ec2InventoryFileSourceConnector",
            "io.secpipe.connect.source.ec2.Ec2InventorySourceConnector",
            "io.secpipe.connect.source.file.FileSourceConnector",
            "io.secpipe.connect.source.s3.S3SourceConnector");

    @TempDir
    Path pluginPath;

    @Test
    void theArchiveHoldsTheManifestThePluginDirectorysJarsAndTheDocs() throws IOException {
        assertThat(ZIP.getFileName().toString()).isEqualTo("secpipe-connect-source-" + VERSION + ".zip");
        List<String> files = new ArrayList<>();
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            zip.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).forEach(files::add);
        }
        List<String> expected = new ArrayList<>(List.of(BASE + "manifest.json", BASE + "doc/README.md", BASE + "doc/LICENSE"));
        fileNames(PLUGIN_DIR).forEach(jar -> expected.add(BASE + "lib/" + jar));
        assertThat(fileNames(PLUGIN_DIR)).contains("connect-source-" + VERSION + ".jar", "formats-" + VERSION + ".jar");
        assertThat(files).containsExactlyInAnyOrderElementsOf(expected);

        JsonNode manifest;
        try (ZipFile zip = new ZipFile(ZIP.toFile()); InputStream in = zip.getInputStream(zip.getEntry(BASE + "manifest.json"))) {
            manifest = JSON.readTree(in);
        }
        assertThat(manifest.path("name").asText()).isEqualTo("connect-source");
        assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
        assertThat(manifest.path("title").asText()).isEqualTo("secpipe AWS security telemetry source connectors");
        assertThat(manifest.path("owner").path("username").asText()).isEqualTo("secpipe");
        assertThat(manifest.path("owner").path("type").asText()).isEqualTo("organization");
        assertThat(manifest.path("component_types")).containsExactly(JSON.getNodeFactory().textNode("source"));
        assertThat(manifest.path("license").path(0).path("name").asText()).isEqualTo("Apache License 2.0");
        assertThat(manifest.path("description").asText()).startsWith("Source connectors for AWS security telemetry");
    }

    @Test
    void aWorkerWithTheUnzippedArchiveOnItsPluginPathListsEveryConnectorAndValidatesWithIt() throws Exception {
        unzip(ZIP, pluginPath);
        Map<String, String> worker = Map.of("plugin.path", pluginPath.toString(), "plugin.discovery", "service_load");
        try (ConnectCluster cluster = new ConnectCluster("hub-source", worker)) {
            JsonNode plugins = get(cluster.connect().endpointForResource("connector-plugins?connectorsOnly=true"));
            List<String> fromArchive = new ArrayList<>();
            List<String> fromClasspath = new ArrayList<>();
            for (JsonNode plugin : plugins) {
                if (!plugin.path("type").asText().equals("source") || !plugin.path("class").asText().startsWith("io.secpipe.")) {
                    continue;
                }
                if (plugin.path("version").asText().equals(VERSION)) {
                    fromArchive.add(plugin.path("class").asText());
                } else if (plugin.path("version").asText().equals("dev")) {
                    fromClasspath.add(plugin.path("class").asText());
                }
            }
            assertThat(fromArchive).containsExactlyInAnyOrderElementsOf(CONNECTORS);
            // the same classes from the test classpath, told apart by their version: were it the packaged jar, both would say VERSION
            assertThat(fromClasspath).containsExactlyInAnyOrderElementsOf(CONNECTORS);

            // the archive's FileSourceConnector, chosen by version, runs its own check that the files are readable
            Map<String, String> config = Map.of(
                    "connector.class", "io.secpipe.connect.source.file.FileSourceConnector",
                    "connector.plugin.version", VERSION,
                    "name", "hub-check",
                    "tasks.max", "1",
                    "files", ZIP.toAbsolutePath().toString(),
                    "topic", "raw.vpcflow");
            ConfigInfos valid = cluster.connect().validateConnectorConfig("FileSourceConnector", config);
            assertThat(valid.errorCount()).isZero();

            Map<String, String> missingFile = new HashMap<>(config);
            missingFile.put("files", "/nonexistent/flows.log");
            ConfigInfos invalid = cluster.connect().validateConnectorConfig("FileSourceConnector", missingFile);
            assertThat(invalid.errorCount()).isEqualTo(1);
            assertThat(invalid.configs()).filteredOn(v -> v.configValue().name().equals("files"))
                    .flatExtracting(v -> v.configValue().errors())
                    .containsExactly("files: '/nonexistent/flows.log' does not exist or is not readable by the worker");
        }
    }

    @Test
    void theArchivesFileSourceReadsParquetFlowLogsWithTheArchivesOwnJarsAndNoHadoop() throws Exception {
        assertThat(fileNames(PLUGIN_DIR)).contains("parquet-hadoop-1.18.2.jar", "snappy-java-1.1.10.12.jar")
                .noneMatch(jar -> jar.startsWith("hadoop-") || jar.startsWith("zstd-jni") || jar.startsWith("aircompressor"));
        unzip(ZIP, pluginPath);
        Path files = Files.createDirectories(pluginPath.resolve("flows"));
        Path gzip = files.resolve("gzip.log.parquet");
        Files.write(gzip, ParquetFlowLogFiles.write(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES));
        Path snappy = files.resolve("snappy.parquet");
        Files.write(snappy, ParquetFlowLogFiles.write(ParquetFlowLogFiles.TCP_FLAGS_FORMAT, ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES,
                CompressionCodecName.SNAPPY));
        Map<String, String> worker = Map.of("plugin.path", pluginPath.toString(), "plugin.discovery", "service_load");
        try (ConnectCluster cluster = new ConnectCluster("hub-parquet", worker)) {
            cluster.connect().kafka().createTopic("raw.vpcflow", 1);
            Map<String, String> config = new HashMap<>();
            config.put("connector.class", "io.secpipe.connect.source.file.FileSourceConnector");
            config.put("connector.plugin.version", VERSION);
            config.put("tasks.max", "1");
            config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
            config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
            config.put("files", gzip + "," + snappy);
            config.put("framing", "flowlog-parquet");
            config.put("topic", "raw.vpcflow");
            cluster.connect().configureConnector("hub-parquet", config);
            List<String> values = cluster.readCommitted(8, "raw.vpcflow").stream()
                    .map(r -> ConnectCluster.text(r.value())).toList();
            List<String> expected = new ArrayList<>(ParquetFlowLogFiles.V2_EXAMPLES);
            expected.addAll(ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES);
            assertThat(values).containsExactlyElementsOf(expected);
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
