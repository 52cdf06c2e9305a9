package io.secpipe.streams;

import io.secpipe.streams.anomaly.AnomalyTopology;
import io.secpipe.streams.clicks.ClicksMinuteTopology;
import io.secpipe.streams.cloudtrail.CloudTrailTopology;
import io.secpipe.streams.ec2.Ec2EnforcerTopology;
import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.geo.MaxMindGeoLookup;
import io.secpipe.streams.http.AppMetrics;
import io.secpipe.streams.http.Health;
import io.secpipe.streams.http.HttpEndpoint;
import io.secpipe.streams.ossec.OssecTopology;
import io.secpipe.streams.vpcflow.FlowLogTopology;
import io.secpipe.streams.vpcflow.VpcFlowAnalytics;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The Streams application: every secpipe topology in one KafkaStreams instance. */
@Command(name = "secpipe-streams", mixinStandardHelpOptions = true,
        description = "Runs the secpipe Kafka Streams topologies. Settings come from the properties file; "
                + "an environment variable SECPIPE_STREAMS_<KEY> overrides <key> (upper case, '_' for '.').")
public final class SecpipeStreamsApp implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(SecpipeStreamsApp.class);
    static final String ENV_PREFIX = "SECPIPE_STREAMS_";
    private static final long METRICS_INTERVAL_SECONDS = 5;
    /** The HTTP endpoint's port (/health/live, /health/ready, /metrics); -1 turns it off, 0 takes any free port. */
    static final String HTTP_PORT = "http.port";
    /** The address it listens on. */
    static final String HTTP_HOST = "http.host";
    static final int DEFAULT_HTTP_PORT = 8090;

    @Option(names = "--config", description = "Properties file: Kafka Streams settings and secpipe topic names.")
    Path configFile;

    @Option(names = "--state-file", description = "File the app keeps its current state in (RUNNING, ERROR, ...), for supervisors.")
    Path stateFile;

    @Option(names = "--metrics-file", description = "File the app rewrites every few seconds with its stage counters "
            + "(late records, dead letters per stage), for supervisors and 'secpipe status'.")
    Path metricsFile;

    @Option(names = "--help-config", description = "Print every setting the app defines (grouped, with type, default and doc) and exit.")
    boolean helpConfig;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SecpipeStreamsApp()).execute(args));
    }

    /** Defaults, then the file, then the environment. */
    static Properties settings(Path configFile, Map<String, String> env) throws IOException {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "secpipe-streams");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        if (configFile != null) {
            try (Reader reader = Files.newBufferedReader(configFile)) {
                props.load(reader);
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                props.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return props;
    }

    /**
     * Null when every defined key has a valid value, else the line that says which key is wrong and why (the app
     * stops at start with it). Undefined keys under a prefix the app owns are logged as warnings.
     */
    static String checkSettings(Properties props) {
        for (String key : StreamsSettings.unknownKeys(props)) {
            log.warn("Unknown setting {} (no such key under the app's prefixes; misspelt?): ignored", key);
        }
        try {
            StreamsSettings.validate(props);
            return null;
        } catch (ConfigException e) {
            return "Bad setting: " + e.getMessage();
        }
    }

    static Topology topology(Properties props) {
        return topology(props, MaxMindGeoLookup.fromSettings(props));
    }

    /** Every topology; {@code geo} is one set of GeoIP readers for all that place addresses (public: the local
     * stack's tests check that it creates every topic this reads or writes). */
    public static Topology topology(Properties props, GeoLookup geo) {
        StreamsBuilder builder = new StreamsBuilder();
        FlowLogTopology.addTo(builder, FlowLogTopology.Config.from(props, geo));
        VpcFlowAnalytics.addTo(builder, props);
        OssecTopology.addTo(builder, OssecTopology.Config.from(props), geo);
        CloudTrailTopology.addTo(builder, CloudTrailTopology.Config.from(props), geo);
        Ec2EnforcerTopology.addTo(builder, Ec2EnforcerTopology.Config.from(props));
        ClicksMinuteTopology.addTo(builder, ClicksMinuteTopology.Config.from(props));
        AnomalyTopology.addTo(builder, AnomalyTopology.Config.from(props));
        return builder.build(props);
    }

    @Override
    public Integer call() throws Exception {
        if (helpConfig) {
            System.out.print(StreamsSettings.help());
            return 0;
        }
        Properties props = settings(configFile, System.getenv());
        String problem = checkSettings(props);
        if (problem != null) {
            System.err.println(problem);
            return 2;
        }
        GeoLookup geo = MaxMindGeoLookup.fromSettings(props);
        try {
            return run(props, topology(props, geo));
        } finally {
            // after the streams closed: no thread looks up an address any more
            if (geo instanceof Closeable readers) {
                readers.close();
            }
        }
    }

    private int run(Properties props, Topology topology) throws Exception {
        log.info("Topology:\n{}", topology.describe());
        CountDownLatch stopped = new CountDownLatch(1);
        int[] exitCode = {0};
        try (KafkaStreams streams = new KafkaStreams(topology, props);
             AppMetrics metrics = AppMetrics.of(streams, AnomalyTopology.Config.from(props).series().stream()
                     .map(series -> series.detector()).toList())) {
            Health health = Health.of(streams);
            HttpEndpoint http = startHttp(props, health, metrics);
            streams.setUncaughtExceptionHandler(e -> {
                log.error("Stopping: unexpected error in a stream thread", e);
                exitCode[0] = 1;
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.setStateListener((now, before) -> {
                health.onChange(now);
                writeState(now);
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    stopped.countDown();
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                streams.close();
                stopped.countDown();
            }, "secpipe-streams-shutdown"));
            streams.start();
            ScheduledExecutorService metricsWriter = writeMetricsPeriodically(streams);
            stopped.await();
            if (metricsWriter != null) {
                metricsWriter.shutdownNow();
                writeMetrics(streams);
            }
            if (http != null) {
                http.close();
            }
        }
        return exitCode[0];
    }

    /** The endpoint as {@code http.port} and {@code http.host} say, or null when the port is -1. */
    static HttpEndpoint startHttp(Properties props, Health health, AppMetrics metrics) throws IOException {
        int port = httpPort(props);
        if (port < 0) {
            log.info("HTTP endpoint off ({}={})", HTTP_PORT, port);
            return null;
        }
        return HttpEndpoint.start(props.getProperty(HTTP_HOST, "0.0.0.0"), port, health, metrics::scrape);
    }

    static int httpPort(Properties props) {
        String value = props.getProperty(HTTP_PORT, String.valueOf(DEFAULT_HTTP_PORT)).trim();
        try {
            int port = Integer.parseInt(value);
            if (port >= -1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(HTTP_PORT + " must be a port number, 0 (any free port) or -1 (off), not '" + value + "'");
    }

    private ScheduledExecutorService writeMetricsPeriodically(KafkaStreams streams) {
        if (metricsFile == null) {
            return null;
        }
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "secpipe-streams-metrics");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(() -> writeMetrics(streams), 0, METRICS_INTERVAL_SECONDS, TimeUnit.SECONDS);
        return writer;
    }

    private void writeMetrics(KafkaStreams streams) {
        try {
            StageMetricsFile.write(metricsFile, streams.metrics());
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot write the metrics file {}: {}", metricsFile, e.toString());
        }
    }

    private void writeState(KafkaStreams.State state) {
        log.info("State {}", state);
        if (stateFile == null) {
            return;
        }
        try {
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.writeString(tmp, state.name() + "\n");
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Cannot write the state file {}: {}", stateFile, e.toString());
        }
    }
}
