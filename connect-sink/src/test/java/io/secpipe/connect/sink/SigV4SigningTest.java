package io.secpipe.connect.sink;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The signer's requests, as a WireMock endpoint received them, carry a SigV4 signature that this test
 * recomputes on its own (canonical request, string to sign, HMAC key chain) from the same clock and
 * credentials.
 */
class SigV4SigningTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final AwsSessionCredentials CREDENTIALS =
            AwsSessionCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-1");
    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    private WireMockServer engine;

    @BeforeEach
    void start() {
        engine = new WireMockServer(options().dynamicPort());
        engine.start();
        engine.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"took\":1,\"errors\":false,\"items\":[{\"index\":{\"status\":201}},{\"index\":{\"status\":201}}],"
                        + "\"acknowledged\":true}")));
    }

    @AfterEach
    void stop() {
        engine.stop();
    }

    private EngineClient client(String service) {
        ElasticsearchSinkConfig config = new ElasticsearchSinkConfig(Map.of("connection.url", engine.baseUrl()));
        return new EngineClient(config, new SigV4Signer(service, "eu-west-1", () -> CREDENTIALS, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @Test
    void bulkRequestsForAmazonOpenSearchServiceCarryAValidSignature() throws Exception {
        client("es").bulk(List.of(new BulkItem("cwl-vpcflow-2026.01.02", "a", "{\"x\":1}".getBytes(StandardCharsets.UTF_8)),
                new BulkItem("cwl-vpcflow-2026.01.02", "b", "{\"x\":\"é\"}".getBytes(StandardCharsets.UTF_8))));
        LoggedRequest request = engine.getAllServeEvents().get(0).getRequest();
        assertSignedCorrectly(request, "es");
    }

    @Test
    void templateRequestsForServerlessCarryAValidSignatureAndThePayloadHash() throws Exception {
        client("aoss").putIndexTemplate("secpipe-vpcflow", ElasticsearchSinkTask.bundledTemplate("vpcflow"));
        LoggedRequest request = engine.getAllServeEvents().get(0).getRequest();
        assertSignedCorrectly(request, "aoss");
        assertThat(request.getHeader("x-amz-content-sha256")).isEqualTo(hex(sha256(request.getBody())));
    }

    private static void assertSignedCorrectly(LoggedRequest request, String service) throws Exception {
        Matcher auth = AUTH.matcher(request.getHeader("Authorization"));
        assertThat(auth.matches()).as(request.getHeader("Authorization")).isTrue();
        assertThat(auth.group(1)).isEqualTo("AKIDEXAMPLE");
        assertThat(auth.group(2)).isEqualTo("20260102");
        assertThat(auth.group(3)).isEqualTo("eu-west-1");
        assertThat(auth.group(4)).isEqualTo(service);
        List<String> signed = Arrays.asList(auth.group(5).split(";"));
        assertThat(signed).contains("host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "content-type");
        assertThat(signed).isSorted();
        assertThat(request.getHeader("X-Amz-Date")).isEqualTo("20260102T030405Z");
        assertThat(request.getHeader("X-Amz-Security-Token")).isEqualTo("session-token-1");

        StringBuilder canonical = new StringBuilder()
                .append(request.getMethod().getName()).append('\n')
                .append(request.getUrl().split("\\?")[0]).append('\n')
                .append("").append('\n'); // no query string
        for (String name : signed) {
            canonical.append(name).append(':').append(request.getHeader(name).trim()).append('\n');
        }
        canonical.append('\n').append(auth.group(5)).append('\n').append(hex(sha256(request.getBody())));
        String scope = "20260102/eu-west-1/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n20260102T030405Z\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + CREDENTIALS.secretAccessKey()).getBytes(StandardCharsets.UTF_8), "20260102");
        key = hmac(key, "eu-west-1");
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        assertThat(auth.group(6)).as("signature recomputed from the received request").isEqualTo(hex(hmac(key, toSign)));
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
