package io.secpipe.streams.ec2;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Publishes a message to an SNS topic with the SNS Query API (POST Action=Publish), signed with SigV4.
 * Written by hand because this SDK version's sns module is not on Maven Central.
 */
public final class SnsPublisher {

    /** Headers java.net.http sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
    private static final Pattern MESSAGE_ID = Pattern.compile("<MessageId>([^<]*)</MessageId>");

    private final String topicArn;
    private final String region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** {@code endpoint} null: the topic's regional endpoint; {@code credentials} null: the default chain. */
    public SnsPublisher(String topicArn, URI endpoint, AwsCredentialsProvider credentials) {
        String[] arn = topicArn.split(":");
        if (arn.length < 6 || !arn[0].equals("arn") || !arn[2].equals("sns")) {
            throw new IllegalArgumentException("not an SNS topic ARN: " + topicArn);
        }
        this.topicArn = topicArn;
        this.region = arn[3];
        this.endpoint = endpoint != null ? endpoint : URI.create("https://sns." + region + ".amazonaws.com/");
        this.credentials = credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
    }

    /** The message id SNS gave the message. */
    public String publish(String message) throws IOException, InterruptedException {
        String body = "Action=Publish&TopicArn=" + encode(topicArn) + "&Message=" + encode(message) + "&Version=2010-03-31";
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sns")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder send = HttpRequest.newBuilder(signed.request().getUri())
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        signed.request().forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> send.header(name, v));
            }
        });
        HttpResponse<String> response = http.send(send.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException("SNS Publish answered " + response.statusCode() + ": " + response.body());
        }
        Matcher id = MESSAGE_ID.matcher(response.body());
        return id.find() ? id.group(1) : null;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
