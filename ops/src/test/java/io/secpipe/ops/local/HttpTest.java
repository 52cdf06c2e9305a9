package io.secpipe.ops.local;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpTest {

    private final WireMockServer engine = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void start() {
        engine.start();
        engine.stubFor(get("/_cluster/health").willReturn(okJson("{\"status\":\"green\"}")));
    }

    @AfterEach
    void stop() {
        engine.stop();
    }

    @Test
    void theEngineClientSendsBasicCredentialsFromTheEnvironmentOnly() throws Exception {
        Http.engine(engine.baseUrl() + "/", Map.of()).get("/_cluster/health").orThrow("health");
        engine.verify(getRequestedFor(urlEqualTo("/_cluster/health")).withHeader("Authorization", absent()));

        engine.resetRequests();
        Http.Answer answer = Http.engine(engine.baseUrl(), Map.of(Http.ENGINE_USERNAME_ENV, "ops", Http.ENGINE_PASSWORD_ENV, "s3cret"))
                .get("/_cluster/health").orThrow("health");
        assertThat(answer.body().path("status").asText()).isEqualTo("green");
        engine.verify(getRequestedFor(urlEqualTo("/_cluster/health")).withHeader("Authorization", equalTo("Basic b3BzOnMzY3JldA==")));
    }
}
