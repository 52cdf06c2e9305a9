package io.secpipe.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {

    private final Health health = new Health(() -> List.of("RUNNING"));
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        endpoint = HttpEndpoint.start("127.0.0.1", 0, health, () -> "# TYPE x counter\nx_total 3.0\n");
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyGoesFrom503To200AsTheAppRuns() throws Exception {
        HttpResponse<String> starting = get("/health/ready");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.body()).isEqualTo("state CREATED\n");
        assertThat(get("/health/live").statusCode()).isEqualTo(200);

        health.onChange(State.REBALANCING);
        health.onChange(State.RUNNING);
        HttpResponse<String> running = get("/health/ready");
        assertThat(running.statusCode()).isEqualTo(200);
        assertThat(running.body()).isEqualTo("ok\n");
    }

    @Test
    void liveFailsOnError() throws Exception {
        health.onChange(State.RUNNING);
        health.onChange(State.PENDING_ERROR);
        health.onChange(State.ERROR);
        HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(live.body()).isEqualTo("state ERROR\n");
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void metricsAreThePrometheusText() throws Exception {
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue(HttpEndpoint.PROMETHEUS_TEXT);
        assertThat(metrics.body()).isEqualTo("# TYPE x counter\nx_total 3.0\n");
    }
}
