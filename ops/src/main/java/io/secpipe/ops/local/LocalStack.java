package io.secpipe.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The embedded local stack: a KRaft broker, the search engine, a Connect worker with our plugins
 * and the Streams app, as child processes with their data and logs under the stack's home.
 */
public final class LocalStack {

    /** Start order; stopped in reverse. */
    static final List<String> COMPONENTS = List.of(Broker.NAME, SearchEngine.NAME, ConnectWorker.NAME, StreamsProcess.NAME);

    private final StackSettings settings;
    private final Supervisor supervisor;
    private final PrintStream out;
    /** Prometheus endpoints of {@code up --metrics}: the worker's JMX exporter agent and the Streams app's; -1: off. */
    private int connectMetricsPort = -1;
    private int streamsHttpPort = -1;

    public LocalStack(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.supervisor = new Supervisor(settings.runDir(), settings.logDir());
        this.out = out;
    }

    /** The next {@link #up} starts the worker with the JMX exporter agent and the Streams app with its HTTP endpoint. */
    public LocalStack withMetrics(int connectMetricsPort, int streamsHttpPort) {
        this.connectMetricsPort = connectMetricsPort;
        this.streamsHttpPort = streamsHttpPort;
        return this;
    }

    public StackSettings settings() {
        return settings;
    }

    /** Which components of this stack are running, by name. */
    public Map<String, Optional<ProcessHandle>> processes() {
        Map<String, Optional<ProcessHandle>> processes = new java.util.LinkedHashMap<>();
        COMPONENTS.forEach(c -> processes.put(c, supervisor.running(c)));
        return processes;
    }

    /** The Connect worker's REST API, with the stack's basic-auth credentials when it has them. */
    public Http connectRest() {
        return ConnectWorker.rest(settings);
    }

    public boolean anyRunning() {
        return processes().values().stream().anyMatch(Optional::isPresent);
    }

    /** Starts every component; returns false (and changes nothing) when the stack is already running. */
    public boolean up() throws IOException, InterruptedException, StackException {
        if (anyRunning()) {
            out.println("secpipe is already running in " + settings.home() + ": " + describeRunning()
                    + ". Nothing changed; 'bin/secpipe down' stops it.");
            return false;
        }
        settings.save();
        java.nio.file.Files.createDirectories(settings.logDir());
        java.nio.file.Files.createDirectories(settings.runDir());
        out.println("Starting the secpipe local stack in " + settings.home() + " (" + settings.engine().displayName() + ")");
        try {
            new Broker(settings, supervisor, out).start();
            new SearchEngine(settings, supervisor, out).start();
            new ConnectWorker(settings, supervisor, out, connectMetricsPort).start();
            new StreamsProcess(settings, supervisor, out, streamsHttpPort).start();
        } catch (StackException | IOException | RuntimeException e) {
            out.println("Start failed; stopping what was started.");
            down();
            throw e;
        }
        out.println("secpipe is up:");
        out.println("  Kafka    " + settings.bootstrapServers());
        out.println("  Connect  " + settings.connectUrl());
        out.println("  " + padRight(settings.engine().displayName(), 8) + " " + settings.engineUrl());
        if (connectMetricsPort >= 0) {
            out.println("  Connect metrics  " + ConnectWorker.metricsUrl(connectMetricsPort));
        }
        if (streamsHttpPort >= 0) {
            String streams = StreamsProcess.httpUrl(streamsHttpPort);
            out.println("  Streams metrics  " + streams + "/metrics   (health: " + streams + "/health/live, " + streams + "/health/ready)");
        }
        out.println("  logs     " + settings.logDir());
        return true;
    }

    /** Stops every component this stack started, newest first. */
    public void down() throws InterruptedException {
        List<String> reversed = new ArrayList<>(COMPONENTS);
        java.util.Collections.reverse(reversed);
        boolean any = false;
        for (String component : reversed) {
            if (supervisor.stop(component, Duration.ofSeconds(30))) {
                out.println("  stopped " + component);
                any = true;
            }
        }
        out.println(any ? "secpipe is down." : "secpipe was not running in " + settings.home() + ".");
    }


    public void status() throws InterruptedException {
        out.println("secpipe local stack in " + settings.home() + " (" + settings.engine().displayName() + ")");
        processes().forEach((name, process) -> out.println("  " + padRight(name, 8) + " "
                + process.map(p -> "running, pid " + p.pid()).orElse("stopped") + "   log " + supervisor.log(name)));
        if (supervisor.running(ConnectWorker.NAME).isPresent()) {
            connectorStatus();
        }
        if (supervisor.running(Broker.NAME).isPresent()) {
            consumerLag();
        }
        if (supervisor.running(StreamsProcess.NAME).isPresent()) {
            streamsCounters();
        }
    }

    /** Late records and dead letters per stage, as the Streams app last wrote them. */
    private void streamsCounters() {
        Path file = new StreamsProcess(settings, supervisor, out).metricsFile();
        Properties counters = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            counters.load(reader);
        } catch (IOException e) {
            out.println("streams counters: none yet (" + file + ")");
            return;
        }
        out.println("streams counters (late records came after their window closed: not counted in it, kept on late.* topics):");
        new TreeMap<>(counters).forEach((key, value) -> out.println("  " + padRight(key.toString(), 48) + " " + value));
    }

    private void connectorStatus() throws InterruptedException {
        try {
            Http.Answer answer = new ConnectWorker(settings, supervisor, out).rest().get("/connectors?expand=status");
            out.println("connectors:");
            if (answer.body() == null || answer.body().isEmpty()) {
                out.println("  (none)");
                return;
            }
            for (Map.Entry<String, JsonNode> entry : answer.body().properties()) {
                JsonNode status = entry.getValue().path("status");
                String tasks = StreamSupport.stream(status.path("tasks").spliterator(), false)
                        .map(t -> t.path("id").asText() + ":" + t.path("state").asText()).collect(Collectors.joining(" "));
                out.println("  " + padRight(entry.getKey(), 24) + " " + status.path("connector").path("state").asText()
                        + "   tasks " + (tasks.isEmpty() ? "-" : tasks));
            }
        } catch (IOException e) {
            out.println("connectors: Connect does not answer (" + e.getMessage() + ")");
        }
    }

    private void consumerLag() throws InterruptedException {
        try (Admin admin = Broker.admin(settings)) {
            Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get();
            out.println("consumer lag (records not yet processed; a transactional topic adds up to one commit marker per partition):");
            for (ConsumerGroupListing group : groups) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
                Map<String, Long> lagByTopic = new TreeMap<>();
                committed.forEach((tp, offset) -> lagByTopic.merge(tp.topic(),
                        offset == null ? 0 : Math.max(0, ends.get(tp).offset() - offset.offset()), Long::sum));
                lagByTopic.forEach((topic, lag) -> out.println("  " + padRight(group.groupId(), 32) + " " + padRight(topic, 20) + " " + lag));
            }
        } catch (java.util.concurrent.ExecutionException e) {
            out.println("consumer lag: the broker does not answer (" + e.getCause() + ")");
        }
    }

    private String describeRunning() {
        return processes().entrySet().stream().filter(e -> e.getValue().isPresent())
                .map(e -> e.getKey() + " (pid " + e.getValue().get().pid() + ")").collect(Collectors.joining(", "));
    }

    static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
