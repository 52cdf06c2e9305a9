package io.secpipe.ops.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.http.Health;
import io.secpipe.streams.http.HttpEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;

/**
 * {@code up --metrics} on real components (OpenSearch): the Streams app's readiness goes 503 → 200 as it starts,
 * a replay moves the app's and the worker's Prometheus series by exactly what it sent, and a stream thread that
 * dies fails liveness.
 */
class MetricsIT {

    private static final Path ROOT = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void readinessMetricsAndLiveness() throws Exception {
        Path home = ROOT.resolve("ops/target/it-metrics");
        SearchEngine.deleteTree(home);
        Files.createDirectories(home);
        int[] ports = FreePorts.take(7);
        StackSettings settings = new StackSettings(ROOT, home, Engine.OPENSEARCH, ports[0], ports[1], ports[2], ports[3], ports[4]);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(printed), true, StandardCharsets.UTF_8);
        LocalStack stack = new LocalStack(settings, out).withMetrics(ports[5], ports[6]);
        String streamsUrl = "http://127.0.0.1:" + ports[6];
        String connectMetrics = "http://127.0.0.1:" + ports[5] + "/metrics";

        // readiness as the app starts: whatever answers, in order (nothing answers before the app listens)
        List<Integer> readiness = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                try {
                    int status = get(streamsUrl + "/health/ready").statusCode();
                    if (readiness.isEmpty() || readiness.get(readiness.size() - 1) != status) {
                        readiness.add(status);
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "readiness-watcher");
        watcher.setDaemon(true);
        watcher.start();
        try {
            assertThat(stack.up()).isTrue();
            awaitStatus(streamsUrl + "/health/ready", 200);
            // the watcher stops once it has seen the 200 itself (stopping it at once could lose its last poll)
            long seen = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < seen && (readiness.isEmpty() || readiness.get(readiness.size() - 1) != 200)) {
                Thread.sleep(100);
            }
            watching.set(false);
            watcher.join();
            assertThat(readiness).as("readiness as the app started").startsWith(503).endsWith(200).doesNotContain(500);
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .contains("Connect metrics  " + connectMetrics)
                    .contains("Streams metrics  " + streamsUrl + "/metrics");
            assertThat(get(streamsUrl + "/health/live").statusCode()).isEqualTo(200);

            String before = get(streamsUrl + "/metrics").body();
            assertThat(before).contains("kafka_stream_", "jvm_memory_used_bytes", "jvm_gc_", "secpipe_anomaly_series{detector=\"sensor\"}");
            double deadBefore = value(before, "secpipe_dead_letter_total{stage=\"vpcflow-parse\"}").orElse(0);

            // 2 good lines and 3 malformed ones
            Path flows = home.resolve("metrics-flows.log");
            List<String> lines = List.of(
                    "2 111122223333 eni-0123456789abcdef0 10.0.0.5 10.0.1.7 49152 443 6 10 5200 1709251200 1709251260 ACCEPT OK",
                    "2 111122223333 eni-0123456789abcdef0 10.0.0.5 broken",
                    "not a flow at all",
                    "2 111122223333 eni-0123456789abcdef0 10.0.0.5 10.0.1.7 49152 443 six 10 5200 1709251200 1709251260 ACCEPT OK",
                    "2 111122223333 eni-0123456789abcdef0 10.0.0.5 10.0.1.8 49153 443 6 3 700 1709251300 1709251360 ACCEPT OK");
            Files.writeString(flows, String.join("\n", lines) + "\n");
            Replay.Result replay = new Replay(settings, out).run(Replay.Type.VPCFLOW, List.of(flows), Duration.ofMinutes(3));
            assertThat(replay.deadLettered()).isEqualTo(3);
            String after = get(streamsUrl + "/metrics").body();
            assertThat(value(after, "secpipe_dead_letter_total{stage=\"vpcflow-parse\"}")).hasValue(deadBefore + 3);
            assertThat(after).contains("secpipe_late_record_total{stage=\"vpcflow-minute\"}");
            // the sink indexed the two documents: its task read them
            String worker = get(connectMetrics).body();
            Files.writeString(home.resolve("streams.scrape"), after); // for a look when an assertion fails
            Files.writeString(home.resolve("connect.scrape"), worker);
            // (a gauge's name loses a _total suffix in the exporter's client library: either spelling)
            assertThat(valueMatching(worker, "kafka_connect_sink_task_sink_record_read(_total)?\\{connector=\"vpcflow-sink\",task=\"0\"\\}").orElse(0))
                    .isGreaterThanOrEqualTo(2);
            assertThat(worker).contains("kafka_connect_consumer_records_lag_max{", "kafka_connect_worker_connector_count ");
            assertThat(valueMatching(worker, "kafka_connect_task_status\\{connector=\"vpcflow-sink\",status=\"running\",task=\"0\"\\}"))
                    .hasValue(1.0);

            // our source plugin's metrics, from a source connector of the test's own that stays while we look
            ObjectNode config = (ObjectNode) Http.JSON.readTree(ROOT.resolve("connector-configs/local/replay/vpcflow-file-source.json").toFile());
            config.put("files", flows.toString());
            ConnectWorker.rest(settings).send("PUT", "/connectors/metrics-it-source/config", config).orThrow("PUT metrics-it-source");
            String records = "secpipe_source_records_total{connector=\"metrics-it-source\",task=\"0\"}";
            String sourceMetrics = await(connectMetrics, text -> value(text, records).orElse(0) == lines.size());
            long bytes = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length).sum();
            assertThat(value(sourceMetrics, "secpipe_source_bytes_total{connector=\"metrics-it-source\",task=\"0\"}")).hasValue((double) bytes);
            assertThat(value(sourceMetrics, "secpipe_source_errors_total{connector=\"metrics-it-source\",task=\"0\"}")).hasValue(0.0);
            assertThat(value(sourceMetrics, "secpipe_source_lag_seconds{connector=\"metrics-it-source\",task=\"0\"}")).isPresent();
            ConnectWorker.rest(settings).send("DELETE", "/connectors/metrics-it-source", null);

            aStreamThreadThatDiesFailsLiveness(settings, home);
        } finally {
            watching.set(false);
            stack.down();
        }
    }

    /**
     * A KafkaStreams instance wired as the app wires its own (Health.of, the state listener, the endpoint) whose
     * only stream thread throws on a record: the instance goes to ERROR and /health/live answers 503.
     */
    private static void aStreamThreadThatDiesFailsLiveness(StackSettings settings, Path home) throws Exception {
        String topic = "metrics-it-boom";
        try (Admin admin = Broker.admin(settings)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String())).foreach((key, value) -> {
            if (value.equals("boom")) {
                throw new IllegalStateException("injected failure");
            }
        });
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-it-boom");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, home.resolve("boom-state").toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            Health health = Health.of(streams);
            streams.setStateListener((now, before) -> health.onChange(now));
            streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            try (HttpEndpoint http = HttpEndpoint.start("127.0.0.1", 0, health, () -> "")) {
                String url = "http://127.0.0.1:" + http.port();
                streams.start();
                awaitStatus(url + "/health/ready", 200);
                assertThat(get(url + "/health/live").statusCode()).isEqualTo(200);
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                    producer.send(new ProducerRecord<>(topic, "k", "fine")).get();
                    producer.send(new ProducerRecord<>(topic, "k", "boom")).get();
                }
                awaitStatus(url + "/health/live", 503); // from PENDING_ERROR on
                Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
                while (streams.state() != KafkaStreams.State.ERROR) {
                    assertThat(Instant.now()).as("the instance reaches ERROR").isBefore(deadline);
                    Thread.sleep(100);
                }
                HttpResponse<String> live = get(url + "/health/live");
                assertThat(live.statusCode()).isEqualTo(503);
                assertThat(live.body()).isEqualTo("state ERROR\n");
                assertThat(get(url + "/health/ready").statusCode()).isEqualTo(503);
            }
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitStatus(String url, int status) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            int got;
            try {
                got = get(url).statusCode();
            } catch (IOException e) {
                got = -1;
            }
            if (got == status) {
                return;
            }
            assertThat(Instant.now()).as("%s answers %d (last %d)", url, status, got).isBefore(deadline);
            Thread.sleep(200);
        }
    }

    private static String await(String url, java.util.function.Predicate<String> done) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            String text = get(url).body();
            if (done.test(text)) {
                return text;
            }
            assertThat(Instant.now()).as("%s: the expected series", url).isBefore(deadline);
            Thread.sleep(1000);
        }
    }

    /** The value of one series (name and labels as Prometheus writes them) in a scrape. */
    static java.util.OptionalDouble value(String scrape, String series) {
        return valueMatching(scrape, Pattern.quote(series));
    }

    static java.util.OptionalDouble valueMatching(String scrape, String seriesRegex) {
        Matcher m = Pattern.compile("(?m)^" + seriesRegex + " (\\S+)$").matcher(scrape);
        return m.find() ? java.util.OptionalDouble.of(Double.parseDouble(m.group(m.groupCount()))) : java.util.OptionalDouble.empty();
    }

    /** What the stack prints goes to the test's output and to a buffer the test reads. */
    private static final class TeeStream extends java.io.OutputStream {
        private final ByteArrayOutputStream copy;

        TeeStream(ByteArrayOutputStream copy) {
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            copy.write(b);
            System.out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            copy.write(b, off, len);
            System.out.write(b, off, len);
        }
    }
}
