package io.secpipe.connect.source.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.connect.source.ConnectCluster;
import io.secpipe.formats.framing.ParquetFlowLogFiles;
import io.secpipe.formats.hub.HubArchive;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private static final HubArchive ARCHIVE = HubArchive.of("connect-source");
    private static final String VERSION = ARCHIVE.version();
    private static final Path ZIP = ARCHIVE.zip();
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
        ARCHIVE.assertLayoutAndManifest("secpipe AWS security telemetry source connectors", "source",
                "Source connectors for AWS security telemetry");
    }

    @Test
    void aWorkerWithTheUnzippedArchiveOnItsPluginPathListsEveryConnectorAndValidatesWithIt() throws Exception {
        ARCHIVE.unzipTo(pluginPath);
        Map<String, String> worker = Map.of("plugin.path", pluginPath.toString(), "plugin.discovery", "service_load");
        try (ConnectCluster cluster = new ConnectCluster("hub-source", worker)) {
            String plugins = cluster.connect().endpointForResource("connector-plugins?connectorsOnly=true");
            List<String> fromArchive = HubArchive.connectors(plugins, "source", VERSION);
            List<String> fromClasspath = HubArchive.connectors(plugins, "source", "dev");
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
        assertThat(HubArchive.fileNames(ARCHIVE.pluginDir())).contains("parquet-hadoop-1.18.2.jar", "snappy-java-1.1.10.12.jar")
                .noneMatch(jar -> jar.startsWith("hadoop-") || jar.startsWith("zstd-jni") || jar.startsWith("aircompressor"));
        ARCHIVE.unzipTo(pluginPath);
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
}
