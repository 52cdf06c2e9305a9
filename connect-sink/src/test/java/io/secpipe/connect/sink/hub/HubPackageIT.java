package io.secpipe.connect.sink.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.formats.hub.HubArchive;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
    private static final HubArchive ARCHIVE = HubArchive.of("connect-sink");
    private static final String VERSION = ARCHIVE.version();
    private static final String CONNECTOR = "io.secpipe.connect.sink.ElasticsearchSinkConnector";

    @TempDir
    Path pluginPath;

    @Test
    void theArchiveHoldsTheManifestThePluginDirectorysJarsAndTheDocs() throws IOException {
        ARCHIVE.assertLayoutAndManifest("secpipe Elasticsearch and OpenSearch sink connector", "sink",
                "Bulk-indexes JSON records into Elasticsearch 8 and OpenSearch");
    }

    @Test
    void aWorkerWithTheUnzippedArchiveOnItsPluginPathListsTheConnectorAndValidatesTheLocalStacksConfigWithIt() throws Exception {
        ARCHIVE.unzipTo(pluginPath);
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name("hub-sink").numWorkers(1)
                .workerProps(new HashMap<>(Map.of("plugin.path", pluginPath.toString(), "plugin.discovery", "service_load"))).build();
        connect.start();
        try {
            String plugins = connect.endpointForResource("connector-plugins?connectorsOnly=true");
            assertThat(HubArchive.connectors(plugins, "sink", VERSION)).containsExactly(CONNECTOR);
            // the same class from the test classpath, told apart by its version: were it the packaged jar, both would say VERSION
            assertThat(HubArchive.connectors(plugins, "sink", "dev")).containsExactly(CONNECTOR);

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
}
