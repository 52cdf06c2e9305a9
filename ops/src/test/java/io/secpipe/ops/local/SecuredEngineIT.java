package io.secpipe.ops.local;

import static io.secpipe.ops.local.SinkTaskHarness.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.connect.sink.SinkTask;
import org.junit.jupiter.api.Test;

/**
 * The sink against Elasticsearch with security on: HTTPS with the site's CA in a trust store, basic
 * authentication, and the host-name check of the engine's certificate (which names 127.0.0.1, not
 * localhost). What the test zips cannot do: OpenSearch's has no security plugin; Elasticsearch's cannot
 * issue API keys (its security index needs the analysis-common module, which it leaves out), so the
 * API-key header is tested against WireMock in connect-sink.
 */
class SecuredEngineIT {

    @Test
    void writesOverTlsWithBasicAuthAndChecksTheCertificatesHostName() throws Exception {
        Path home = ROOT.resolve("ops/target/securedit");
        SearchEngine.deleteTree(home);
        Files.createDirectories(home);
        int[] ports = FreePorts.take(2);
        StackSettings settings = new StackSettings(ROOT, home, Engine.ELASTICSEARCH, 0, 0, 0, ports[0], ports[1]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Supervisor supervisor = new Supervisor(settings.runDir(), settings.logDir());
        SecuredElasticsearch secured = new SecuredElasticsearch(home.resolve("tls"));
        SearchEngine engine = new SearchEngine(settings, supervisor, out).customize(secured);
        SearchEngine.deleteTree(engine.baseDir()); // a run killed earlier may have left its data there
        String https = "https://127.0.0.1:" + ports[0];
        try (URLClassLoader plugin = pluginLoader()) {
            engine.start();
            Http admin = secured.http(settings.engineUrl());
            assertThatThrownBy(() -> new Http(settings.engineUrl()).get("/_cluster/health")).as("no plain HTTP")
                    .isInstanceOf(java.io.IOException.class);

            // basic authentication over TLS, trusting the site's CA
            Map<String, String> basic = tls(https);
            basic.put("connection.username", SecuredElasticsearch.USER);
            basic.put("connection.password", secured.password);
            assertThat(write(plugin, basic, List.of(flow(0, "b1", "2024-03-01T00:00:00Z", "10.0.0.5", 443, "ACCEPT")))).isEmpty();

            assertThat(search(admin, "{\"match_all\":{}}")).extracting(h -> h.path("_id").asText()).containsExactly("b1");
            assertThat(search(admin, "{\"match_all\":{}}").get(0).path("_source"))
                    .isEqualTo(Http.JSON.readTree(source("2024-03-01T00:00:00Z", "10.0.0.5", 443, "ACCEPT")));

            // a wrong password is refused, and the error does not repeat the password
            Map<String, String> wrong = new HashMap<>(basic);
            wrong.put("connection.password", "not-" + secured.password);
            assertThatThrownBy(() -> write(plugin, wrong, List.of())).hasMessageContaining("401")
                    .satisfies(e -> assertThat(stackText(e)).doesNotContain(secured.password));

            // the certificate names 127.0.0.1: through 'localhost' the host-name check refuses it, unless switched off
            String localhost = "https://localhost:" + ports[0];
            Map<String, String> byName = tls(localhost);
            byName.putAll(Map.of("connection.username", SecuredElasticsearch.USER, "connection.password", secured.password));
            assertThatThrownBy(() -> write(plugin, byName, List.of())).satisfies(e -> assertThat(stackText(e))
                    .containsAnyOf("No subject alternative DNS name matching localhost", "No name matching localhost"));
            byName.put("elastic.https.ssl.endpoint.identification.algorithm", "");
            assertThat(write(plugin, byName, List.of(flow(2, "h1", "2024-03-01T00:00:02Z", "10.0.0.7", 443, "ACCEPT")))).isEmpty();
            assertThat(search(admin, "{\"match_all\":{}}")).extracting(h -> h.path("_id").asText()).containsExactly("b1", "h1");
        } finally {
            supervisor.stop(SearchEngine.NAME, Duration.ofSeconds(30));
            Path moved = home.resolve("engine.location");
            if (Files.exists(moved)) {
                SearchEngine.deleteTree(Path.of(Files.readString(moved).trim()));
            }
        }
    }

    private static Map<String, String> tls(String url) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", url);
        props.put("elastic.security.protocol", "SSL");
        props.put("elastic.https.ssl.truststore.location", ROOT.resolve("ops/target/securedit/tls/truststore.p12").toString());
        props.put("elastic.https.ssl.truststore.type", "PKCS12");
        props.put("elastic.https.ssl.truststore.password", SecuredElasticsearch.TRUSTSTORE_PASSWORD);
        props.put("index.pattern", "cwl-vpcflow-{yyyy.MM.dd}");
        props.put("index.templates", "vpcflow");
        props.put("document.id.strategy", "header");
        props.put("linger.ms", "0");
        props.put("max.retries", "0");
        return props;
    }

    /** Starts a task (which installs its template), writes the records, commits; what went to the dead letters. */
    private static List<Reported> write(URLClassLoader plugin, Map<String, String> props, List<org.apache.kafka.connect.sink.SinkRecord> records)
            throws Exception {
        List<Reported> reported = new CopyOnWriteArrayList<>();
        SinkTask task = startTask(plugin, props, reported);
        try {
            task.put(records);
            long next = records.isEmpty() ? 0 : records.get(records.size() - 1).kafkaOffset() + 1;
            assertThat(task.preCommit(offsets(next))).isEqualTo(offsets(next));
        } finally {
            task.stop();
        }
        return reported;
    }

    private static String stackText(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }
}
