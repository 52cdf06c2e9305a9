package io.secpipe.ops.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Elasticsearch with its security on, as a site runs it: HTTPS with a certificate from a CA of the
 * test's own (openssl), naming 127.0.0.1 only, and a file-realm user with a random password
 * ({@code elasticsearch-users}). The OpenSearch test zip has no security plugin, so only Elasticsearch
 * can be tested this way.
 */
final class SecuredElasticsearch implements SearchEngine.Customization {

    static final String USER = "secpipe-writer";
    static final String TRUSTSTORE_PASSWORD = "truststore-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));

    final String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    final Path dir;

    SecuredElasticsearch(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("node.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=secpipe test CA");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr",
                "-subj", "/CN=secpipe test node");
        run(dir, "openssl", "x509", "-req", "-in", "node.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "node.crt", "-days", "2", "-extfile", "node.ext");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        run(dir, keytool.toString(), "-importcert", "-noprompt", "-alias", "secpipe-test-ca", "-file", "ca.crt",
                "-keystore", "truststore.p12", "-storetype", "PKCS12", "-storepass", TRUSTSTORE_PASSWORD);
    }

    Path truststore() {
        return dir.resolve("truststore.p12");
    }

    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void prepare(Path distribution) throws IOException, InterruptedException {
        Path certs = Files.createDirectories(distribution.resolve("config/certs"));
        for (String file : List.of("ca.crt", "node.crt", "node.key")) {
            Files.copy(dir.resolve(file), certs.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path java = Jdks.find(Engine.ELASTICSEARCH.minimumJava, Engine.ELASTICSEARCH.javaHomeVariable).orElseThrow();
        ProcessBuilder users = new ProcessBuilder(distribution.resolve("bin/elasticsearch-users").toString(),
                "useradd", USER, "-p", password, "-r", "superuser").redirectErrorStream(true);
        users.environment().put("ES_JAVA_HOME", java.toString());
        users.environment().put("ES_JAVA_OPTS", "-Xmx64m");
        Process p = users.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("elasticsearch-users failed: " + output);
        }
    }

    @Override
    public List<String> settings() {
        return List.of("xpack.security.enabled=true",
                "xpack.security.http.ssl.enabled=true",
                "xpack.security.http.ssl.certificate=certs/node.crt",
                "xpack.security.http.ssl.key=certs/node.key",
                "xpack.security.http.ssl.certificate_authorities=certs/ca.crt",
                "xpack.security.transport.ssl.enabled=false");
    }

    @Override
    public Http http(String url) {
        return new Http(url.replace("http://", "https://"), sslContext(), basicAuthorization());
    }

    SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
