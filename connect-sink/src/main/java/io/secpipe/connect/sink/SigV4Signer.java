package io.secpipe.connect.sink;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Signs requests for Amazon OpenSearch Service ({@code es}) and OpenSearch Serverless ({@code aoss})
 * with the SDK's SigV4 signer. Credentials are resolved per request, so rotated role credentials are
 * picked up; the payload hash header is set because Serverless requires it.
 */
final class SigV4Signer {

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final String service;
    private final String region;
    private final Supplier<? extends AwsCredentialsIdentity> credentials;
    private final Clock clock;

    SigV4Signer(String service, String region, Supplier<? extends AwsCredentialsIdentity> credentials, Clock clock) {
        this.service = service;
        this.region = region;
        this.credentials = credentials;
        this.clock = clock;
    }

    static SigV4Signer fromDefaults(String service, String region) {
        DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build();
        String resolvedRegion = region == null || region.isBlank() ? new DefaultAwsRegionProviderChain().getRegion().id() : region;
        return new SigV4Signer(service, resolvedRegion, provider::resolveCredentials, Clock.systemUTC());
    }

    /** The headers to add to the request (Authorization, X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token). */
    Map<String, List<String>> sign(String method, URI uri, String contentType, byte[] body) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri)
                .putHeader("Content-Type", contentType)
                .putHeader("x-amz-content-sha256", sha256Hex(body))
                .build();
        SignedRequest signed = signer.sign(r -> r
                .identity(credentials.get())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        return signed.request().headers();
    }

    static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
