package io.secpipe.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Connect worker in distributed mode with our plugins on its plugin.path; on start it registers
 * every {@code connector-configs/local/*.json} (the body of PUT /connectors/{file name}/config).
 * The configs name the engine as {@code ${env:SECPIPE_ENGINE_URL}}, resolved by Connect's own
 * EnvVarConfigProvider, so the same files work for any ports.
 */
final class ConnectWorker {

    static final String NAME = "connect";
    static final List<String> PLUGINS = List.of(
            "io.secpipe.connect.source.file.FileSourceConnector",
            "io.secpipe.connect.source.s3.S3SourceConnector",
            "io.secpipe.connect.source.cloudwatch.CloudWatchLogsSourceConnector",
            "io.secpipe.connect.source.ec2.Ec2InventorySourceConnector",
            "io.secpipe.connect.source.ec2.Ec2InventoryFileSourceConnector",
            "io.secpipe.connect.sink.ElasticsearchSinkConnector");

    private final StackSettings settings;
    private final Supervisor supervisor;
    private final PrintStream out;
    private final int metricsPort;

    ConnectWorker(StackSettings settings, Supervisor supervisor, PrintStream out) {
        this(settings, supervisor, out, -1);
    }

    /** {@code metricsPort}: the JMX exporter agent's port on the loopback address (Prometheus metrics), or -1 for none. */
    ConnectWorker(StackSettings settings, Supervisor supervisor, PrintStream out, int metricsPort) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.out = out;
        this.metricsPort = metricsPort;
    }

    static String metricsUrl(int metricsPort) {
        return "http://127.0.0.1:" + metricsPort + "/metrics";
    }

    /** The JMX exporter agent the ops build copied, with the rules compose and the image use. */
    private List<String> metricsAgent() throws StackException {
        if (metricsPort < 0) {
            return List.of();
        }
        Path agent = settings.root().resolve("ops/target/jmx-exporter/jmx_prometheus_javaagent.jar");
        Path rules = settings.root().resolve("docker/connect-jmx-exporter.yml");
        if (!Files.exists(agent)) {
            throw new StackException(agent + " is missing: build the project (mvn -B -DskipTests package)");
        }
        return List.of("-javaagent:" + agent + "=127.0.0.1:" + metricsPort + ":" + rules);
    }

    Http rest() {
        return rest(settings);
    }

    /**
     * The worker's REST API, with basic authentication when the stack's home holds
     * {@code connect-credentials.properties} ({@code user=password} lines, as Kafka's
     * {@code PropertyFileLoginModule} reads them): the API is then closed to anyone without them.
     */
    static Http rest(StackSettings settings) {
        Path credentials = credentialsFile(settings);
        if (!Files.exists(credentials)) {
            return new Http(settings.connectUrl());
        }
        java.util.Properties users = new java.util.Properties();
        try (var in = Files.newBufferedReader(credentials)) {
            users.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + credentials, e);
        }
        String user = users.stringPropertyNames().stream().sorted().findFirst()
                .orElseThrow(() -> new IllegalStateException(credentials + " names no user"));
        return new Http(settings.connectUrl(), null, "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + users.getProperty(user)).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static Path credentialsFile(StackSettings settings) {
        return settings.home().resolve("connect-credentials.properties");
    }

    /** Basic authentication on the REST API through Kafka's own extension, when credentials are configured. */
    private List<String> basicAuth(List<String> workerSettings) throws IOException {
        Path credentials = credentialsFile(settings);
        if (!Files.exists(credentials)) {
            return List.of();
        }
        Path jaas = settings.confDir().resolve("connect-jaas.conf");
        Files.writeString(jaas, "KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n"
                + "  file=\"" + credentials.toAbsolutePath() + "\";\n};\n");
        workerSettings.add("rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension");
        return List.of("-Djava.security.auth.login.config=" + jaas);
    }

    void start() throws IOException, InterruptedException, StackException {
        Path config = settings.confDir().resolve("connect-worker.properties");
        Path root = settings.root();
        List<String> workerSettings = new java.util.ArrayList<>(List.of(
                "bootstrap.servers=" + settings.bootstrapServers(),
                "group.id=secpipe-connect",
                "config.storage.topic=secpipe-connect-configs",
                "offset.storage.topic=secpipe-connect-offsets",
                "status.storage.topic=secpipe-connect-status",
                "config.storage.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                "key.converter=org.apache.kafka.connect.json.JsonConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "key.converter.schemas.enable=false",
                "value.converter.schemas.enable=false",
                "offset.flush.interval.ms=2000",
                "listeners=http://127.0.0.1:" + settings.connectPort(),
                "rest.advertised.host.name=127.0.0.1",
                "rest.advertised.port=" + settings.connectPort(),
                "plugin.path=" + root.resolve("connect-source/target/plugin") + "," + root.resolve("connect-sink/target/plugin"),
                "plugin.discovery=service_load",
                // sources write records and offsets in one transaction (KIP-618); sinks read only committed records,
                // so what the Streams app aborts never reaches the index
                "exactly.once.source.support=enabled",
                "consumer.isolation.level=read_committed",
                "config.providers=env",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider"));
        List<String> jvmOptions = new java.util.ArrayList<>(basicAuth(workerSettings));
        jvmOptions.addAll(metricsAgent());
        Files.writeString(config, String.join("\n", workerSettings) + "\n");
        supervisor.start(NAME, Components.javaWithOptions(settings, "768m", jvmOptions, settings.stackLib().resolve("*").toString(),
                        "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()),
                Map.of("SECPIPE_ENGINE_URL", settings.engineUrl()), settings.home());
        Http rest = rest();
        supervisor.await(NAME, "Connect worker on " + settings.connectUrl(), Duration.ofSeconds(120), out, () -> {
            Http.Answer plugins = rest.get("/connector-plugins?connectorsOnly=true");
            if (!plugins.ok()) {
                return false;
            }
            List<String> classes = plugins.body().findValuesAsText("class");
            return classes.containsAll(PLUGINS);
        });
        registerConnectors();
    }

    private void registerConnectors() throws IOException, InterruptedException, StackException {
        Path dir = settings.root().resolve("connector-configs/local");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        Http rest = rest();
        for (Path file : files) {
            String name = file.getFileName().toString().replaceFirst("\\.json$", "");
            JsonNode body = Http.JSON.readTree(file.toFile());
            rest.send("PUT", "/connectors/" + name + "/config", body).orThrow("PUT /connectors/" + name + "/config");
            supervisor.await(NAME, "connector " + name, Duration.ofSeconds(60), out, () -> running(rest, name));
        }
    }

    /** The connector and every one of its tasks are RUNNING. */
    static boolean running(Http rest, String name) throws IOException, InterruptedException {
        Http.Answer status = rest.get("/connectors/" + name + "/status");
        if (!status.ok()) {
            return false;
        }
        JsonNode tasks = status.body().path("tasks");
        for (JsonNode task : tasks) {
            if (task.path("state").asText().equals("FAILED")) {
                throw new IOException("task " + task.path("id").asText() + " of " + name + " failed: "
                        + task.path("trace").asText().lines().findFirst().orElse(""));
            }
        }
        return status.body().path("connector").path("state").asText().equals("RUNNING")
                && !tasks.isEmpty()
                && tasks.findValuesAsText("state").stream().allMatch("RUNNING"::equals);
    }
}
