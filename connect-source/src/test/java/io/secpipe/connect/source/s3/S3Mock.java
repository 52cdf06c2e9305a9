package io.secpipe.connect.source.s3;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Adobe's S3Mock, started from its executable jar as a child process on a free port. */
final class S3Mock implements AutoCloseable {

    static final String ACCESS_KEY = "test-access-key";
    static final String SECRET_KEY = "test-secret-key";

    private final Process process;
    private final int port;

    S3Mock(String... buckets) throws IOException, InterruptedException {
        Path jar = Path.of("target/s3mock/s3mock.jar");
        port = freePort();
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar.toString(), "--com.adobe.testing.s3mock.httpPort=" + port, "--server.port=" + freePort(),
                "--com.adobe.testing.s3mock.store.initialBuckets=" + String.join(",", buckets))
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("s3mock", ".log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                    close();
                    throw new IOException("S3Mock did not start", notYet);
                }
                Thread.sleep(250);
            }
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    @Override
    public void close() {
        process.destroy();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
