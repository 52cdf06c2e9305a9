package io.secpipe.ops.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.secpipe.ops.health.Finding.Level;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code secpipe health} against WireMock answering with Elasticsearch 8 and OpenSearch response bodies. */
class EngineHealthTest {

    private final WireMockServer engine = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        engine.start();
    }

    @AfterEach
    void stop() {
        engine.stop();
    }

    /** Serves the four answers {@code health} reads from {@code health/<engine>-*.json}. */
    private void serve(String prefix) throws IOException {
        answer("/_cluster/health", prefix + "-cluster-health.json");
        answer("/_nodes/stats/fs,jvm", prefix + "-nodes-stats.json");
        answer("/_cluster/settings?include_defaults=true&flat_settings=true", prefix + "-cluster-settings.json");
        answer("/_cluster/state/blocks", prefix + "-cluster-state-blocks.json");
    }

    private void answer(String path, String file) throws IOException {
        engine.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(resource(file))));
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = EngineHealthTest.class.getResourceAsStream("/health/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private int health(String... args) {
        HealthCommand command = new HealthCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new CommandLine(command).execute(args);
    }

    private String url() {
        return "http://localhost:" + engine.port();
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void greenElasticsearchWithABigDiskUnderEveryHeadroomIsAllOk() throws Exception {
        serve("es8");

        assertThat(health("--url", url())).isZero();
        // 92% used of 10 TiB, but 800 GiB free is more than every max_headroom (200/150/100 GB) asks for
        assertThat(output()).isEqualTo(url() + "\n"
                + "  ok    cluster status green: 1 node(s), 1 data node(s), 4 active shard(s), 0 unassigned\n"
                + "  ok    disk           es-1: 92.2% used, 800.0 GiB available of 10.0 TiB\n"
                + "  ok    heap           es-1: 50% of 512.0 MiB used\n"
                + "  ok    write blocks   none\n");
    }

    @Test
    void redOpenSearchWithBlockedIndicesFailsAndNamesEveryProblem() throws Exception {
        serve("opensearch");

        assertThat(health("--url", url())).isEqualTo(1);
        // os-1 is over the persistent 80% low watermark, not over the 90% default high one
        assertThat(output()).isEqualTo(url() + "\n"
                + "  fail  cluster status red: 2 node(s), 2 data node(s), 16 active shard(s), 3 unassigned\n"
                + "  warn  disk           os-1: 85.0% used, 15.0 GiB available of 100.0 GiB; over watermark low (80%)\n"
                + "  warn  disk           os-2: 96.0% used, 4.0 GiB available of 100.0 GiB; over watermark low (80%), high (90%), flood_stage (95%)\n"
                + "  ok    heap           os-1: 40% of 2.0 GiB used\n"
                + "  warn  heap           os-2: 91% of 2.0 GiB used\n"
                + "  fail  write blocks   cwl-vpcflow-2026.11.01: index write (api); cwl-vpcflow-2026.11.02: index read-only / allow delete (api)\n");
    }

    @Test
    void yellowWarnsWithoutFailing() throws Exception {
        serve("es8");
        engine.stubFor(get(urlEqualTo("/_cluster/health")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(resource("es8-cluster-health.json").replace("\"green\"", "\"yellow\"").replace("\"unassigned_shards\" : 0",
                        "\"unassigned_shards\" : 4"))));

        assertThat(health("--url", url())).isZero();
        assertThat(output()).contains("  warn  cluster status yellow: 1 node(s), 1 data node(s), 4 active shard(s), 4 unassigned\n");
    }

    @Test
    void aWriteBlockOnTheWholeClusterFails() throws Exception {
        serve("es8");
        answer("/_cluster/state/blocks", "es8-cluster-state-blocks.json");
        engine.stubFor(get(urlEqualTo("/_cluster/state/blocks")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"cluster_name\":\"secpipe\",\"cluster_uuid\":\"q1Gv6cJrR0aFQvTVb6XjJw\",\"blocks\":{\"global\":{\"6\":"
                        + "{\"description\":\"cluster read-only (api)\",\"retryable\":false,\"disable_state_persistence\":false,"
                        + "\"levels\":[\"write\",\"metadata_write\"]}}}}")));

        assertThat(health("--url", url())).isEqualTo(1);
        assertThat(output()).endsWith("  fail  write blocks   cluster: cluster read-only (api)\n");
    }

    @Test
    void printsJson() throws Exception {
        serve("opensearch");

        assertThat(health("--url", url() + "/", "--json")).isEqualTo(1);
        var json = new ObjectMapper().readTree(output());
        assertThat(json.get("engine").asText()).isEqualTo(url() + "/");
        assertThat(json.get("checks")).hasSize(6);
        assertThat(json.get("checks").get(0).toString()).isEqualTo(
                "{\"check\":\"cluster status\",\"status\":\"fail\",\"detail\":\"red: 2 node(s), 2 data node(s), 16 active shard(s), 3 unassigned\"}");
    }

    @Test
    void anEngineThatDoesNotAnswerExitsTwo() {
        String gone = url();
        engine.stop();

        assertThat(health("--url", gone)).isEqualTo(2);
        assertThat(output()).isEmpty();
    }

    @Test
    void switchedOffDiskThresholdsAreOneWarning() throws Exception {
        var settings = new ObjectMapper().readTree(resource("es8-cluster-settings.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) settings.get("transient"))
                .put("cluster.routing.allocation.disk.threshold_enabled", "false");

        assertThat(EngineHealth.disks(settings, new ObjectMapper().readTree(resource("es8-nodes-stats.json")))).containsExactly(
                new Finding("disk", Level.WARN, "disk watermarks are off (cluster.routing.allocation.disk.threshold_enabled=false)"));
    }

    @Test
    void watermarksReadPercentRatioAndBytesAndHeadroom() {
        long total = 1000L << 30;
        // 85% of 1000 GiB leaves 150 GiB free; a 200 GB headroom does not raise that
        assertThat(Watermark.parse("low", "85%", "200GB").requiredFree(total)).isEqualTo(150L << 30);
        // 10 TiB: 15% is 1.5 TiB, capped at the headroom
        assertThat(Watermark.parse("low", "85%", "200GB").requiredFree(10L << 40)).isEqualTo(200L << 30);
        // -1: no cap (Elasticsearch's value once the watermark itself is set)
        assertThat(Watermark.parse("high", "0.9", "-1").requiredFree(10L << 40)).isEqualTo(1024L << 30);
        // an absolute value is the free space to keep, whatever the disk's size
        assertThat(Watermark.parse("flood_stage", "500mb", null).requiredFree(total)).isEqualTo(500L << 20);
        assertThat(Watermark.parse("flood_stage", "500mb", null).exceeded(total, (500L << 20) - 1)).isTrue();
        assertThat(Watermark.parse("flood_stage", "500mb", null).exceeded(total, 500L << 20)).isFalse();
    }
}
