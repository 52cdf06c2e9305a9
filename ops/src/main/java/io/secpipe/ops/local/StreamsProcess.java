package io.secpipe.ops.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The secpipe Kafka Streams app, from streams-app/target/app, with its state in the stack's home. */
final class StreamsProcess {

    static final String NAME = "streams";
    private final StackSettings settings;
    private final Supervisor supervisor;
    private final PrintStream out;
    private final int httpPort;

    StreamsProcess(StackSettings settings, Supervisor supervisor, PrintStream out) {
        this(settings, supervisor, out, -1);
    }

    /** {@code httpPort}: the app's /health and /metrics endpoint on the loopback address, or -1 for none. */
    StreamsProcess(StackSettings settings, Supervisor supervisor, PrintStream out, int httpPort) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.out = out;
        this.httpPort = httpPort;
    }

    static String httpUrl(int httpPort) {
        return "http://127.0.0.1:" + httpPort;
    }

    Path stateFile() {
        return settings.runDir().resolve("streams.state");
    }

    /** The app's stage counters (late records, dead letters), rewritten every few seconds while it runs. */
    Path metricsFile() {
        return settings.runDir().resolve("streams.metrics");
    }

    /**
     * The user's own settings for the app, appended last so they win: {@code <home>/streams-overrides.properties}
     * (for example a shorter {@code sgusage.report.interval} to see the unused-rule report sooner).
     */
    Path overridesFile() {
        return settings.home().resolve("streams-overrides.properties");
    }

    private String overrides() throws IOException {
        Path file = overridesFile();
        return Files.exists(file) ? "# from " + file + "\n" + Files.readString(file) + "\n" : "";
    }

    void start() throws IOException, InterruptedException, StackException {
        Path config = settings.confDir().resolve("streams.properties");
        List<Path> geo = GeoDatabases.ensure(settings);
        String geoSettings = geo.isEmpty() ? "" : "geoip.city.database=" + geo.get(0) + "\ngeoip.asn.database=" + geo.get(1) + "\n";
        Files.writeString(config, geoSettings + String.join("\n",
                "bootstrap.servers=" + settings.bootstrapServers(),
                "application.id=secpipe-streams",
                "processing.guarantee=exactly_once_v2",
                "state.dir=" + settings.home().resolve("streams/state"),
                "replication.factor=1",
                "commit.interval.ms=200",
                // /health/live, /health/ready and /metrics with `up --metrics`, else off
                "http.port=" + httpPort,
                "http.host=127.0.0.1",
                // the EC2 enforcer fails closed (no allowed region: every launch is DELETE); the samples launch in
                // eu-west-1. The actuator stays off: decisions only, nothing is terminated.
                "ec2.enforcer.allowed.regions=eu-west-1",
                "ec2.enforcer.max.instances=1",
                // the local stack replays finished files: a quiet interface's minutes close after a minute (the
                // default, PT15M, outlasts a live 10-minute aggregation interval)
                "vpcflow.minute.idle.close=PT1M",
                "") + overrides());
        Files.deleteIfExists(stateFile());
        String classpath = settings.root().resolve("streams-app/target/app").resolve("*").toString();
        supervisor.start(NAME, Components.javaWithClasspath(settings, "512m", classpath, "io.secpipe.streams.SecpipeStreamsApp",
                "--config", config.toString(), "--state-file", stateFile().toString(),
                "--metrics-file", metricsFile().toString()), Map.of(), settings.home());
        supervisor.await(NAME, "Streams app (secpipe-streams)", Duration.ofSeconds(120), out,
                () -> Files.exists(stateFile()) && Files.readString(stateFile()).trim().equals("RUNNING"));
    }
}
