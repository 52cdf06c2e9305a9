package io.secpipe.ops;

import io.secpipe.ops.local.Demo;
import io.secpipe.ops.local.Engine;
import io.secpipe.ops.local.LocalStack;
import io.secpipe.ops.local.Replay;
import io.secpipe.ops.local.StackException;
import io.secpipe.ops.local.StackSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/secpipe}: the local stack and what runs on it. */
@Command(name = "secpipe", mixinStandardHelpOptions = true,
        description = "AWS security telemetry on Kafka: the embedded local stack and its tools.",
        subcommands = {SecpipeCli.Up.class, SecpipeCli.Down.class, SecpipeCli.Status.class, SecpipeCli.ReplayCommand.class,
                SecpipeCli.DemoCommand.class, SecpipeCli.Templates.class,
                io.secpipe.ops.dashboards.DashboardsCommand.class, io.secpipe.ops.alarms.AlarmsCommand.class,
                io.secpipe.ops.health.HealthCommand.class, io.secpipe.ops.images.ImagesCommand.class})
public final class SecpipeCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new SecpipeCli()).execute(args));
    }

    static Path root() {
        return Path.of(System.getProperty("secpipe.root", ".")).toAbsolutePath().normalize();
    }

    /** Options every command shares: where the stack lives. */
    static class Home {
        @Option(names = "--home", description = "The stack's data, logs and settings (default: $SECPIPE_HOME or .secpipe in the project).")
        Path home;

        Path resolve() {
            if (home != null) {
                return home.toAbsolutePath().normalize();
            }
            String env = System.getenv("SECPIPE_HOME");
            return env != null && !env.isBlank() ? Path.of(env).toAbsolutePath() : root().resolve(".secpipe");
        }

        StackSettings saved() throws java.io.IOException {
            return StackSettings.load(root(), resolve());
        }
    }

    /** Options of the commands that may start the stack. */
    static class StartOptions {
        @Option(names = "--engine", defaultValue = "opensearch", description = "opensearch (default) or elasticsearch")
        String engine;
        @Option(names = "--kafka-port", defaultValue = "9092") int kafkaPort;
        @Option(names = "--controller-port", defaultValue = "9093") int controllerPort;
        @Option(names = "--connect-port", defaultValue = "8083") int connectPort;
        @Option(names = "--engine-port", defaultValue = "9200") int enginePort;
        @Option(names = "--engine-transport-port", defaultValue = "9300") int engineTransportPort;

        StackSettings settings(Path home) {
            return new StackSettings(root(), home, Engine.parse(engine), kafkaPort, controllerPort, connectPort, enginePort,
                    engineTransportPort);
        }
    }

    /** Runs a command body and turns a StackException into a message and exit code 1. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Mixin
        Home home;

        abstract int execute() throws Exception;

        @Override
        public Integer call() throws Exception {
            try {
                return execute();
            } catch (StackException e) {
                System.err.println("secpipe: " + e.getMessage());
                return 1;
            } catch (java.io.IOException e) {
                System.err.println("secpipe: " + e);
                return 1;
            }
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "up", description = "Start the local stack: Kafka broker (KRaft), search engine, Connect worker, Streams app.")
    static class Up extends Base {
        @CommandLine.Mixin StartOptions start;
        @Option(names = "--metrics", description = "Serve Prometheus metrics: the Connect worker through the JMX exporter agent, "
                + "the Streams app on its HTTP endpoint (with /health/live and /health/ready); prints both URLs.")
        boolean metrics;
        @Option(names = "--connect-metrics-port", defaultValue = "9404", description = "The Connect worker's metrics port (with --metrics).")
        int connectMetricsPort;
        @Option(names = "--streams-http-port", defaultValue = "8090", description = "The Streams app's HTTP port (with --metrics).")
        int streamsHttpPort;

        @Override
        int execute() throws Exception {
            LocalStack stack = new LocalStack(start.settings(home.resolve()), System.out);
            if (metrics) {
                stack.withMetrics(connectMetricsPort, streamsHttpPort);
            }
            stack.up();
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "down", description = "Stop everything 'up' started, and only that.")
    static class Down extends Base {
        @Override
        int execute() throws Exception {
            new LocalStack(home.saved(), System.out).down();
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "status", description = "Each component, each connector and its tasks, and consumer lag.")
    static class Status extends Base {
        @Override
        int execute() throws Exception {
            new LocalStack(home.saved(), System.out).status();
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "replay", description = "Send files through the running stack (source connector, Streams, sink) and wait until every record is "
            + "indexed, unmatched by the pattern or dead-lettered (source errors, Streams DLQ, sink DLQ).")
    static class ReplayCommand extends Base {
        @Option(names = "--type", required = true,
                description = "What the files hold: vpcflow, ossec (alerts.json), ossec-cwl (CloudWatch Logs subscription payloads of alerts), cloudtrail, csv (ref.users), clicks (JSON lines), "
                        + "sensor (JSON lines), eni, security-groups, instances")
        String type;
        @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for every record to be accounted for.")
        long timeoutSeconds;
        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Override
        int execute() throws Exception {
            Replay.Type replayType;
            try {
                replayType = Replay.Type.of(type);
            } catch (IllegalArgumentException e) {
                throw new StackException("--type " + type + " is not known; known: " + java.util.Arrays.stream(Replay.Type.values())
                        .map(Replay.Type::id).toList());
            }
            Replay.Result result = new Replay(home.saved(), System.out).run(replayType, files, Duration.ofSeconds(timeoutSeconds));
            return result.complete() ? 0 : 1;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "templates", description = "Index templates of search/templates/.",
            subcommands = {SecpipeCli.TemplatesInstallCommand.class})
    static class Templates {
    }

    @Command(mixinStandardHelpOptions = true, name = "install", description = "PUT every search/templates/*.json as _index_template/secpipe-<name>.")
    static class TemplatesInstallCommand extends Base {
        @Option(names = "--url", description = "The engine (default: the local stack's engine).")
        String url;

        @Override
        int execute() throws Exception {
            String target = url != null ? url : home.saved().engineUrl();
            int count = new io.secpipe.ops.templates.TemplatesInstall(target, System.out).install(root().resolve("search/templates"));
            System.out.println(count + " templates installed in " + target);
            return 0;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "demo", description = "Start the stack, replay the sample flow logs, sensor readings, clickstream and HIDS alerts, and print a summary.")
    static class DemoCommand extends Base {
        @CommandLine.Mixin StartOptions start;
        @Option(names = "--exit", description = "Stop the stack afterwards.")
        boolean exit;

        @Override
        int execute() throws Exception {
            StackSettings settings = start.settings(home.resolve());
            LocalStack stack = new LocalStack(settings, System.out);
            if (stack.anyRunning()) {
                settings = home.saved();
            }
            try {
                return new Demo(settings, System.out).run() ? 0 : 1;
            } finally {
                if (exit) {
                    new LocalStack(settings, System.out).down();
                }
            }
        }
    }
}
