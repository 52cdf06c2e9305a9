package io.secpipe.ops.dashboards;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.secpipe.ops.SecpipeCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code secpipe dashboards install} against a WireMock Kibana / OpenSearch Dashboards. */
class DashboardsInstallTest {

    static final String IMPORT = "/api/saved_objects/_import?overwrite=true";
    static final Path NDJSON = SavedObjectsValidationTest.NDJSON;

    private WireMockServer kibana;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private String ndjson;

    @BeforeEach
    void start() throws IOException {
        kibana = new WireMockServer(options().dynamicPort());
        kibana.start();
        ndjson = Files.readString(NDJSON, StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() {
        kibana.stop();
    }

    /** Through the root command, as bin/secpipe runs it. */
    private int secpipe(String... args) {
        CommandLine cli = new CommandLine(new SecpipeCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** The install command alone, with a chosen environment. */
    private int install(Map<String, String> env, String... args) {
        DashboardsCommand.Install install = new DashboardsCommand.Install();
        install.env = env::get;
        CommandLine cli = new CommandLine(install);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private void answer(int status, String body) {
        kibana.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private String url() {
        return kibana.baseUrl();
    }

    @Test
    void importsTheFileAsItsMultipartPartWithKibanasHeader() {
        answer(200, "{\"success\":true,\"successCount\":42}");

        int exit = secpipe("dashboards", "install", "--url", url() + "/", "--file", NDJSON.toString());

        assertThat(exit).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isEqualTo(String.join(System.lineSeparator(),
                "42 saved objects imported into kibana at " + url() + "/",
                "  Anomalies: " + url() + "/app/dashboards#/view/secpipe-dashboard-anomalies",
                "  EC2 API calls: " + url() + "/app/dashboards#/view/secpipe-dashboard-ec2",
                "  HIDS alerts: " + url() + "/app/dashboards#/view/secpipe-dashboard-hids",
                "  SGDashboard: " + url() + "/app/dashboards#/view/secpipe-dashboard-sg",
                "  Trends: " + url() + "/app/dashboards#/view/secpipe-dashboard-trends", ""));
        kibana.verify(1, postRequestedFor(urlEqualTo(IMPORT))
                .withHeader("kbn-xsrf", equalTo("true"))
                .withoutHeader("osd-xsrf")
                .withoutHeader("Authorization")
                .withHeader("Content-Type", matching("multipart/form-data; boundary=secpipe-[0-9a-f-]{36}"))
                .withRequestBodyPart(aMultipart("file")
                        .withHeader("Content-Disposition", containing("filename=\"secpipe.ndjson\""))
                        .withHeader("Content-Type", equalTo("application/ndjson"))
                        .withBody(equalTo(ndjson)).build()));
        assertThat(kibana.findAll(postRequestedFor(anyUrl())).get(0).getParts()).hasSize(1);
    }

    @Test
    void openSearchDashboardsGetsItsOwnHeader() {
        answer(200, "{\"success\":true,\"successCount\":42}");

        int exit = secpipe("dashboards", "install", "--url", url(), "--flavor", "opensearch-dashboards", "--file", NDJSON.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("42 saved objects imported into opensearch-dashboards at " + url() + System.lineSeparator());
        kibana.verify(1, postRequestedFor(urlEqualTo(IMPORT)).withHeader("osd-xsrf", equalTo("true")).withoutHeader("kbn-xsrf"));
    }

    @Test
    void aSecondInstallSendsTheSameObjectsAndOverwrites() {
        answer(200, "{\"success\":true,\"successCount\":42}");

        assertThat(secpipe("dashboards", "install", "--url", url(), "--file", NDJSON.toString())).isZero();
        assertThat(secpipe("dashboards", "install", "--url", url(), "--file", NDJSON.toString())).isZero();

        List<LoggedRequest> requests = kibana.findAll(postRequestedFor(anyUrl()));
        assertThat(requests).hasSize(2);
        assertThat(requests).allSatisfy(r -> assertThat(r.getUrl()).isEqualTo(IMPORT));
        assertThat(requests.get(1).getPart("file").getBody().asString())
                .isEqualTo(requests.get(0).getPart("file").getBody().asString())
                .isEqualTo(ndjson);
    }

    @Test
    void basicAuthComesFromTheEnvironmentAndIsNeverPrinted() {
        answer(200, "{\"success\":true,\"successCount\":42}");

        int exit = install(Map.of("SECPIPE_DASHBOARDS_USERNAME", "elastic", "SECPIPE_DASHBOARDS_PASSWORD", "s3cr3t-pw"),
                "--url", url(), "--file", NDJSON.toString());

        assertThat(exit).isZero();
        kibana.verify(1, postRequestedFor(urlEqualTo(IMPORT)).withHeader("Authorization", equalTo("Basic ZWxhc3RpYzpzM2NyM3QtcHc=")));
        assertThat(out.toString() + err).doesNotContain("s3cr3t-pw");
    }

    @Test
    void halfTheCredentialsIsAnErrorAndSendsNothing() {
        int exit = install(Map.of("SECPIPE_DASHBOARDS_USERNAME", "elastic"), "--url", url(), "--file", NDJSON.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("secpipe: set both SECPIPE_DASHBOARDS_USERNAME and SECPIPE_DASHBOARDS_PASSWORD, or neither"
                + System.lineSeparator());
        assertThat(kibana.getAllServeEvents()).isEmpty();
    }

    @Test
    void objectsTheImportRefusesAreNamedOneLineEach() {
        answer(200, """
                {"success":false,"successCount":40,"errors":[
                 {"id":"secpipe-vis-eni-list","type":"visualization","title":"Eni-list","meta":{"title":"Eni-list","icon":"visualizeApp"},
                  "error":{"type":"missing_references","references":[{"type":"index-pattern","id":"secpipe-index-vpcflow"}]}},
                 {"id":"secpipe-dashboard-sg","type":"dashboard","meta":{"title":"SGDashboard"},
                  "error":{"type":"unknown","message":"mapping set to strict, dynamic introduction of [x] within [dashboard] is not allowed","statusCode":400}}]}
                """);

        int exit = secpipe("dashboards", "install", "--url", url(), "--file", NDJSON.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo(String.join(System.lineSeparator(),
                "secpipe: the import into " + url() + " failed (40 of 42 objects imported):",
                "  visualization secpipe-vis-eni-list \"Eni-list\": missing_references (missing index-pattern secpipe-index-vpcflow)",
                "  dashboard secpipe-dashboard-sg \"SGDashboard\": unknown (mapping set to strict, dynamic introduction of [x] within [dashboard] is not allowed)",
                ""));
    }

    @Test
    void anHttpErrorNamesTheStatusTheMessageAndWhatToCheck() {
        answer(401, "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"missing authentication credentials\"}");

        int exit = secpipe("dashboards", "install", "--url", url(), "--file", NDJSON.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(String.join(System.lineSeparator(),
                "secpipe: the import into " + url() + " failed (0 of 42 objects imported):",
                "  HTTP 401: missing authentication credentials (credentials come from SECPIPE_DASHBOARDS_USERNAME and SECPIPE_DASHBOARDS_PASSWORD)",
                ""));
    }

    @Test
    void somethingElseThanKibanaAtTheUrlIsSaidSo() {
        answer(200, "{\"name\":\"node-1\",\"cluster_name\":\"secpipe\",\"version\":{\"number\":\"3.6.0\"}}");

        int exit = secpipe("dashboards", "install", "--url", url(), "--file", NDJSON.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("  not a saved-objects import answer (is " + url() + " kibana?): {\"name\":\"node-1\"");
    }

    @Test
    void nothingListeningIsAClearMessage() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        int exit = secpipe("dashboards", "install", "--url", "http://127.0.0.1:" + port, "--file", NDJSON.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("secpipe: cannot connect to http://127.0.0.1:" + port + " (is kibana running there?)"
                + System.lineSeparator());
    }

    @Test
    void aLineThatIsNoSavedObjectStopsBeforeSending(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.ndjson");
        Files.writeString(bad, "{\"type\":\"index-pattern\",\"id\":\"secpipe-x\",\"attributes\":{\"title\":\"x-*\"}}\n{\"type\":\n");

        int exit = secpipe("dashboards", "install", "--url", url(), "--file", bad.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("secpipe: " + bad + " line 2 is not JSON: ");
        assertThat(kibana.getAllServeEvents()).isEmpty();
    }

    @Test
    void aUrlWithoutSchemeIsRefusedBeforeSending() {
        int exit = secpipe("dashboards", "install", "--url", "localhost:5601", "--file", NDJSON.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("secpipe: the URL must start with http:// or https://: localhost:5601"
                + System.lineSeparator());
    }

    @Test
    void anUnknownFlavorIsAUsageError() {
        int exit = secpipe("dashboards", "install", "--url", url(), "--flavor", "grafana", "--file", NDJSON.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("--flavor: unknown flavor 'grafana'; known: [kibana, opensearch-dashboards]");
        assertThat(kibana.getAllServeEvents()).isEmpty();
    }
}
