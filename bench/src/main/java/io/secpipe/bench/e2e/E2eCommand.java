package io.secpipe.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.ops.local.Http;
import io.secpipe.ops.local.LocalStack;
import io.secpipe.ops.local.StackException;
import io.secpipe.ops.local.StackSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code secpipe bench e2e}: synthetic flow-log lines through the running local stack, source connector to
 * index, then the same lines through the engine-side alternative (an ingest pipeline), on the same machine.
 *
 * <p>Ours: the lines are appended, at the offered rate, to a file that a tailing file-source connector (registered
 * for the run) reads into {@code raw.vpcflow}; the Streams app parses and enriches them into
 * {@code vpcflow.enriched}; the sink indexes them into {@code cwl-vpcflow-*}. Sustained events/s is the number of
 * lines over the time from the first write to the moment the last document is searchable. Theirs: the same lines
 * bulk-indexed as raw messages into a separate index, through a pipeline that parses them and looks up geo.
 * Ends with one line: {@code e2e events_per_s=N p99_ms=N ratio_vs_ingest_pipeline=X.XX}.
 *
 * <p>Unpaced ({@code --rate 0}), the latency is mostly the time a line waits in the backlog, so p99 is close to the
 * run's length; a rate below both sides' capacity ({@code --rate 1000}) measures the latency a steady load sees.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.secpipe.bench.e2e.E2eCommand --root . --home .secpipe --events 100000</pre>
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "End-to-end throughput and ingest-to-searchable latency of the local stack, against an engine ingest pipeline.")
public final class E2eCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Our flow documents, without the per-minute sums that share the prefix. */
    static final String OUR_INDICES = "cwl-vpcflow-*,-cwl-vpcflow-minute-*";
    static final String PIPELINE = "secpipe-bench-e2e";
    static final String PIPELINE_INDEX = "secpipe-bench-e2e-ingest-pipeline";
    private static final long SEED = 20261207L;
    private static final int INTERFACES = 300;

    @Option(names = "--events", defaultValue = "200000", description = "Lines to send (default ${DEFAULT-VALUE}).")
    long events;
    @Option(names = "--rate", defaultValue = "0", description = "Lines per second offered; 0: as fast as possible (default).")
    long rate;
    @Option(names = "--sample-every", defaultValue = "500", description = "Every n-th line's latency is measured (default ${DEFAULT-VALUE}).")
    int sampleEvery;
    @Option(names = "--bulk-size", defaultValue = "2000",
            description = "Lines per bulk request of the ingest-pipeline run (default ${DEFAULT-VALUE}, the flow sink's batch.size).")
    int bulkSize;
    @Option(names = "--bulk-workers", defaultValue = "1",
            description = "Bulk requests in flight in the ingest-pipeline run (default ${DEFAULT-VALUE}, as our one sink task).")
    int bulkWorkers;
    @Option(names = "--warmup", defaultValue = "20000",
            description = "Lines sent through both first, not measured, so that neither is measured cold (default ${DEFAULT-VALUE}; 0: none).")
    long warmup;
    @Option(names = "--timeout", defaultValue = "PT15M", description = "Longest wait for each run's documents (default ${DEFAULT-VALUE}).")
    Duration timeout;
    @Option(names = "--keep-stack", description = "Leave a stack this command started running.")
    boolean keepStack;
    @Option(names = "--root", description = "The secpipe project (default: the secpipe.root property, else the current directory).")
    Path root;
    @Option(names = "--home", description = "The stack's home (default: $SECPIPE_HOME or .secpipe in the project).")
    Path home;
    @Option(names = "--kafka-port", description = "Ports for a stack this command starts (default: the home's saved ones, else the standard ones).")
    Integer kafkaPort;
    @Option(names = "--controller-port", description = "As --kafka-port.") Integer controllerPort;
    @Option(names = "--connect-port", description = "As --kafka-port.") Integer connectPort;
    @Option(names = "--engine-port", description = "As --kafka-port.") Integer enginePort;
    @Option(names = "--engine-transport-port", description = "As --kafka-port.") Integer engineTransportPort;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new E2eCommand()).execute(args));
    }

    /** What one run measured. */
    record Run(String name, long events, long documents, Duration took, Percentiles latency, Map<String, ComponentMeter.Usage> usage) {
        double eventsPerSecond() {
            return documents * 1000.0 / Math.max(1, took.toMillis());
        }

        boolean complete() {
            return documents >= events;
        }
    }

    @Override
    public Integer call() throws Exception {
        Path projectRoot = (root != null ? root : Path.of(System.getProperty("secpipe.root", "."))).toAbsolutePath().normalize();
        Path stackHome = stackHome(projectRoot);
        StackSettings settings = StackSettings.load(projectRoot, stackHome);
        LocalStack stack = new LocalStack(settings, out);
        boolean started = false;
        if (stack.processes().values().stream().anyMatch(java.util.Optional::isEmpty)) {
            if (stack.anyRunning()) {
                System.err.println("secpipe bench e2e: the stack in " + stackHome + " is only partly running: 'bin/secpipe status' says what stopped");
                return 1;
            }
            settings = withPorts(settings);
            stack = new LocalStack(settings, out);
            out.println("No local stack runs in " + stackHome + ": starting one for the benchmark"
                    + (keepStack ? " (left running afterwards)." : " (stopped again at the end)."));
            try {
                stack.up();
            } catch (StackException e) {
                System.err.println("secpipe bench e2e: " + e.getMessage());
                return 1;
            }
            started = true;
        }
        String lastLine;
        try {
            lastLine = benchmark(settings, stack);
        } catch (StackException | IOException | IllegalStateException e) {
            System.err.println("secpipe bench e2e: " + e.getMessage());
            return 1;
        } finally {
            if (started && !keepStack) {
                stack.down();
            }
        }
        if (lastLine == null) {
            return 1;
        }
        out.println(lastLine); // the last line, for scripts: after the stack's own messages
        return 0;
    }

    /** Both rounds; the closing line, or null (after saying why) when a round did not index everything. */
    private String benchmark(StackSettings settings, LocalStack stack) throws Exception {
        Http engine = Http.engine(settings.engineUrl(), System.getenv());
        Http connect = stack.connectRest();
        Map<String, Long> groups = new LinkedHashMap<>();
        stack.processes().forEach((name, process) -> groups.put(name, process.orElseThrow().pid()));
        out.printf(Locale.ROOT, "secpipe bench e2e: %d synthetic v2 flow lines (%d interfaces), offered %s, on %d cores; stack in %s (%s)%n",
                events, INTERFACES, rate == 0 ? "as fast as possible" : rate + "/s", Runtime.getRuntime().availableProcessors(),
                settings.home(), settings.engine().displayName());
        Run[] measured;
        try {
            if (warmup > 0) {
                // a stack just started runs its first tens of thousands of records through cold JIT and cold caches
                out.printf(Locale.ROOT, "Warm-up: %d lines through both, not measured%n", warmup);
                Run[] warm = round(settings, engine, connect, groups, warmup, false);
                if (warm == null) {
                    return null;
                }
                out.printf(Locale.ROOT, "  warm-up: ours %.0f events/s, ingest pipeline %.0f events/s%n",
                        warm[0].eventsPerSecond(), warm[1].eventsPerSecond());
            }
            measured = round(settings, engine, connect, groups, events, true);
        } finally {
            cleanUpDocuments(engine);
        }
        if (measured == null) {
            return null;
        }
        Run ours = measured[0];
        Run theirs = measured[1];
        double ratio = ours.eventsPerSecond() / theirs.eventsPerSecond();
        out.printf(Locale.ROOT, "ours %.0f events/s, ingest pipeline %.0f events/s: ours/theirs %.2f%n",
                ours.eventsPerSecond(), theirs.eventsPerSecond(), ratio);
        return String.format(Locale.ROOT, "e2e events_per_s=%d p99_ms=%d ratio_vs_ingest_pipeline=%.2f",
                Math.round(ours.eventsPerSecond()), ours.latency().at(99), ratio);
    }

    /** Ours then theirs on {@code count} fresh lines; null (after saying why) when either did not index them all. */
    private Run[] round(StackSettings settings, Http engine, Http connect, Map<String, Long> groups, long count, boolean print)
            throws Exception {
        long runId = System.currentTimeMillis();
        // a run's own account id: its documents are counted by it, whatever else the indices hold
        String account = String.format(Locale.ROOT, "%012d", runId % 1_000_000_000_000L);
        Path dir = settings.home().resolve("bench");
        Files.createDirectories(dir);
        Path file = dir.resolve("flows-" + runId + ".log");
        Files.write(file, new byte[0]);
        TailedFileIds ids = TailedFileIds.of(file);
        String connector = "bench-e2e-" + runId;
        List<String> lines = new ArrayList<>((int) count);
        try {
            deleteIfExists(engine, "/_ingest/pipeline/" + PIPELINE);
            deleteIfExists(engine, "/" + PIPELINE_INDEX);
            Run ours = runOurs(settings, engine, connect, connector, file, ids, account, groups, lines, count);
            if (print) {
                report(ours);
            }
            if (!ours.complete()) {
                System.err.printf("secpipe bench e2e: only %d of %d documents were searchable after %s: read the stack's logs (%s) and dlq.vpcflow%n",
                        ours.documents(), count, timeout, settings.home().resolve("logs"));
                return null;
            }
            Run theirs = runTheirs(settings, engine, ids, lines, groups, count);
            if (print) {
                report(theirs);
            }
            if (!theirs.complete()) {
                System.err.printf("secpipe bench e2e: the ingest pipeline indexed only %d of %d documents%n", theirs.documents(), count);
                return null;
            }
            return new Run[] {ours, theirs};
        } finally {
            cleanUp(engine, connect, connector, file);
        }
    }

    private Run runOurs(StackSettings settings, Http engine, Http connect, String connector, Path file, TailedFileIds ids, String account,
                        Map<String, Long> groups, List<String> lines, long events) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(settings.root().resolve("connector-configs/local/replay/vpcflow-file-source.json").toFile());
        config.put("files", file.toString());
        config.put("format", FlowLineGenerator.FORMAT);
        config.put("tail", "true");
        // an idle tailing task looks again after this long: it bounds the latency the source adds
        config.put("poll.interval.ms", "100");
        connect.send("PUT", "/connectors/" + connector + "/config", config).orThrow("PUT /connectors/" + connector + "/config");
        awaitRunning(connect, connector, Instant.now().plusSeconds(60));

        out.println("Ours: file -> tailing file source -> raw.vpcflow -> Streams app -> vpcflow.enriched -> sink -> cwl-vpcflow-*");
        FlowLineGenerator generator = new FlowLineGenerator(SEED, account, INTERFACES);
        ObjectNode count = JSON.createObjectNode();
        count.putObject("query").putObject("term").put("account_id", account);
        try (ComponentMeter meter = new ComponentMeter(groups); SearchableProbe probe = new SearchableProbe(engine, OUR_INDICES);
             BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            Pacer pacer = new Pacer(rate);
            long first = System.currentTimeMillis();
            for (long line = 1; line <= events; ) {
                long chunkEnd = Math.min(events, line + pacer.chunk() - 1);
                long nowSeconds = System.currentTimeMillis() / 1000;
                long chunkStart = line;
                for (; line <= chunkEnd; line++) {
                    String text = generator.next(nowSeconds);
                    lines.add(text);
                    writer.write(text);
                    writer.write('\n');
                }
                writer.flush();
                long written = System.currentTimeMillis();
                for (long l = chunkStart; l <= chunkEnd; l++) {
                    if (l % sampleEvery == 0) {
                        probe.written(ids.id(l), written);
                    }
                }
                pacer.await(chunkEnd);
            }
            out.printf(Locale.ROOT, "  %d lines written in %.1f s%n", events, (System.currentTimeMillis() - first) / 1000.0);
            long documents = awaitCount(engine, "/" + OUR_INDICES + "/_count", count, events, first, () -> {
                try {
                    running(connect, connector); // fails fast when the task failed
                } catch (StackException | IOException | InterruptedException e) {
                    throw new IllegalStateException(e.getMessage());
                }
            });
            Duration took = Duration.ofMillis(System.currentTimeMillis() - first);
            awaitProbe(probe);
            return new Run("ours", events, documents, took, probe.latencies(), meter.stop());
        }
    }

    private Run runTheirs(StackSettings settings, Http engine, TailedFileIds ids, List<String> lines, Map<String, Long> groups, long events)
            throws Exception {
        engine.send("PUT", "/_ingest/pipeline/" + PIPELINE, IngestPipeline.definition(FlowLineGenerator.FORMAT))
                .orThrow("PUT _ingest/pipeline/" + PIPELINE);
        engine.send("PUT", "/" + PIPELINE_INDEX, IngestPipeline.index(settings.root().resolve("search/templates/vpcflow.json")))
                .orThrow("PUT " + PIPELINE_INDEX);
        engine.send("GET", "/_cluster/health/" + PIPELINE_INDEX + "?wait_for_status=yellow&timeout=30s", null).orThrow("health");
        out.printf(Locale.ROOT, "Theirs: the same lines as {\"message\": line}, %d per bulk request, %d in flight, through ingest pipeline %s into %s%n",
                bulkSize, bulkWorkers, PIPELINE, PIPELINE_INDEX);
        ExecutorService workers = Executors.newFixedThreadPool(bulkWorkers);
        AtomicLong rejected = new AtomicLong();
        try (ComponentMeter meter = new ComponentMeter(groups); SearchableProbe probe = new SearchableProbe(engine, PIPELINE_INDEX)) {
            Pacer pacer = new Pacer(rate);
            long first = System.currentTimeMillis();
            List<Future<?>> inFlight = new ArrayList<>();
            for (int from = 0; from < lines.size(); from += bulkSize) {
                int to = Math.min(lines.size(), from + bulkSize);
                // a shipper sends a batch once its last line has arrived; each line waited in it since it was due
                pacer.await(to);
                while (inFlight.size() >= bulkWorkers) {
                    inFlight.remove(0).get();
                }
                byte[] body = bulkBody(lines, ids, from, to);
                int start = from;
                inFlight.add(workers.submit(() -> {
                    long sent = System.currentTimeMillis();
                    for (int i = start; i < to; i++) {
                        if ((i + 1) % sampleEvery == 0) {
                            probe.written(ids.id(i + 1), rate == 0 ? sent : Math.min(sent, pacer.dueMillis(i)));
                        }
                    }
                    JsonNode answer = engine.send("POST", "/" + PIPELINE_INDEX + "/_bulk?pipeline=" + PIPELINE + "&filter_path=errors,items.*.error",
                            body).orThrow("_bulk").body();
                    if (answer.path("errors").asBoolean()) {
                        long failed = answer.path("items").size();
                        if (rejected.getAndAdd(failed) == 0) {
                            out.println("  the engine rejected documents: " + answer.path("items").path(0));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : inFlight) {
                f.get();
            }
            ObjectNode all = JSON.createObjectNode();
            all.putObject("query").putObject("match_all");
            long documents = awaitCount(engine, "/" + PIPELINE_INDEX + "/_count", all, events, first, () -> {
                if (rejected.get() > 0) {
                    throw new IllegalStateException(rejected.get() + " documents rejected by the ingest pipeline");
                }
            });
            Duration took = Duration.ofMillis(System.currentTimeMillis() - first);
            awaitProbe(probe);
            return new Run("ingest pipeline", events, documents, took, probe.latencies(), meter.stop());
        } finally {
            workers.shutdownNow();
        }
    }

    static byte[] bulkBody(List<String> lines, TailedFileIds ids, int from, int to) throws IOException {
        StringBuilder body = new StringBuilder((to - from) * 200);
        for (int i = from; i < to; i++) {
            body.append("{\"index\":{\"_id\":\"").append(ids.id(i + 1)).append("\"}}\n");
            body.append(JSON.writeValueAsString(Map.of("message", lines.get(i)))).append('\n');
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Polls a count every 200 ms until it reaches {@code events}, the timeout passes, or {@code check} throws. */
    private long awaitCount(Http engine, String path, ObjectNode query, long events, long first, Runnable check) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Instant nextReport = Instant.now().plusSeconds(5);
        long documents = 0;
        while (documents < events && Instant.now().isBefore(deadline)) {
            try {
                documents = engine.send("POST", path, query).orThrow("_count").body().path("count").asLong();
            } catch (IOException notYet) {
                // a daily index the sink has just created answers 503 until its shard is allocated
            }
            if (documents >= events) {
                break;
            }
            if (Instant.now().isAfter(nextReport)) {
                out.printf(Locale.ROOT, "  %d of %d searchable (%.0f s)%n", documents, events, (System.currentTimeMillis() - first) / 1000.0);
                nextReport = Instant.now().plusSeconds(5);
                check.run();
            }
            Thread.sleep(200);
        }
        return documents;
    }

    /** The sampled documents are searchable once all are: give the probe's last poll a moment to see them. */
    private static void awaitProbe(SearchableProbe probe) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!probe.allFound() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
    }

    private void report(Run run) {
        Percentiles latency = run.latency();
        out.printf(Locale.ROOT, "  %s: %d documents searchable in %.1f s: %.0f events/s%n", run.name(), run.documents(),
                run.took().toMillis() / 1000.0, run.eventsPerSecond());
        out.printf(Locale.ROOT, "  %s: ingest-to-searchable latency over %d sampled lines (every %d-th): p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                run.name(), latency.count(), sampleEvery, latency.at(50), latency.at(95), latency.at(99), latency.max());
        out.printf(Locale.ROOT, "  %-10s %10s %14s %16s%n", "component", "cpu_s", "peak_rss_mb", "vmhwm_mb");
        double total = 0;
        for (Map.Entry<String, ComponentMeter.Usage> e : run.usage().entrySet()) {
            ComponentMeter.Usage u = e.getValue();
            total += u.cpuSeconds();
            out.printf(Locale.ROOT, "  %-10s %10.1f %14d %16d%n", e.getKey(), u.cpuSeconds(), u.sampledPeakRssKb() / 1024, u.vmHwmKb() / 1024);
        }
        out.printf(Locale.ROOT, "  %-10s %10.1f   (%.2f ms of CPU per event; peak_rss_mb: largest RSS sampled in the run; vmhwm_mb: peak since the process started)%n",
                "total", total, total * 1000 / Math.max(1, run.documents()));
    }

    /** Waits until the connector and every task of it are RUNNING; fails when a task failed. */
    private static void awaitRunning(Http connect, String connector, Instant deadline)
            throws IOException, InterruptedException, StackException {
        while (!running(connect, connector)) {
            if (Instant.now().isAfter(deadline)) {
                throw new StackException("connector " + connector + " did not start within 60 s");
            }
            Thread.sleep(250);
        }
    }

    /** Whether the connector and all its tasks are RUNNING; a FAILED task is an error (a rebalance is not). */
    private static boolean running(Http connect, String connector) throws IOException, InterruptedException, StackException {
        Http.Answer status = connect.send("GET", "/connectors/" + connector + "/status", null);
        if (status.status() != 200 || status.body() == null) {
            return false;
        }
        JsonNode tasks = status.body().path("tasks");
        for (JsonNode task : tasks) {
            if (task.path("state").asText().equals("FAILED")) {
                throw new StackException("task " + task.path("id").asText() + " of " + connector + " failed: "
                        + task.path("trace").asText().lines().findFirst().orElse(""));
            }
        }
        return status.body().path("connector").path("state").asText().equals("RUNNING") && !tasks.isEmpty()
                && tasks.findValuesAsText("state").stream().allMatch("RUNNING"::equals);
    }

    /** Deletes what a round registered: its connector, the pipeline and its index, the round's file. */
    private void cleanUp(Http engine, Http connect, String connector, Path file) {
        try {
            connect.send("DELETE", "/connectors/" + connector, null);
            deleteIfExists(engine, "/_ingest/pipeline/" + PIPELINE);
            deleteIfExists(engine, "/" + PIPELINE_INDEX);
            Files.deleteIfExists(file);
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("secpipe bench e2e: cleaning up failed: " + e);
        }
    }

    /** Deletes the documents of every round (and of earlier runs), per-minute sums included, by the generator's interface prefix. */
    private void cleanUpDocuments(Http engine) {
        out.println("Cleaning up: the benchmark's connectors, pipeline " + PIPELINE + " and index " + PIPELINE_INDEX
                + " are deleted; deleting its documents in cwl-vpcflow-* (interface_id " + FlowLineGenerator.INTERFACE_PREFIX + "*)");
        try {
            ObjectNode query = JSON.createObjectNode();
            query.putObject("query").putObject("prefix").put("interface_id", FlowLineGenerator.INTERFACE_PREFIX);
            JsonNode task = engine.send("POST", "/cwl-vpcflow-*/_delete_by_query?conflicts=proceed&wait_for_completion=false", query)
                    .orThrow("_delete_by_query").body();
            awaitTask(engine, task.path("task").asText(), Instant.now().plusSeconds(300));
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("secpipe bench e2e: deleting the benchmark's documents failed: " + e);
        }
    }

    private static void awaitTask(Http engine, String task, Instant deadline) throws IOException, InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            JsonNode answer = engine.send("GET", "/_tasks/" + task, null).orThrow("_tasks").body();
            if (answer.path("completed").asBoolean()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IOException("deleting the benchmark's documents did not finish in time (task " + task + ")");
    }

    private static void deleteIfExists(Http engine, String path) throws IOException, InterruptedException {
        Http.Answer answer = engine.send("DELETE", path, null);
        if (answer.status() != 404) {
            answer.orThrow("DELETE " + path);
        }
    }

    private Path stackHome(Path projectRoot) {
        if (home != null) {
            return home.toAbsolutePath().normalize();
        }
        String env = System.getenv("SECPIPE_HOME");
        return env != null && !env.isBlank() ? Path.of(env).toAbsolutePath() : projectRoot.resolve(".secpipe");
    }

    private StackSettings withPorts(StackSettings saved) {
        return new StackSettings(saved.root(), saved.home(), saved.engine(),
                kafkaPort != null ? kafkaPort : saved.kafkaPort(), controllerPort != null ? controllerPort : saved.controllerPort(),
                connectPort != null ? connectPort : saved.connectPort(), enginePort != null ? enginePort : saved.enginePort(),
                engineTransportPort != null ? engineTransportPort : saved.engineTransportPort());
    }

    /** Paces a writer to an offered rate: lines handed over in small chunks, each no earlier than its due time. */
    static final class Pacer {
        private final long rate;
        private final long startNanos = System.nanoTime();
        private final long startMillis = System.currentTimeMillis();

        Pacer(long rate) {
            this.rate = rate;
        }

        /** Lines per chunk: a hundredth of a second's worth, or 1000 when unpaced. */
        long chunk() {
            return rate == 0 ? 1000 : Math.max(1, rate / 100);
        }

        /** The wall-clock time at which the line after the first {@code linesBefore} is due. */
        long dueMillis(long linesBefore) {
            return startMillis + (rate == 0 ? 0 : linesBefore * 1000 / rate);
        }

        /** Waits until {@code linesSent} lines are due. */
        void await(long linesSent) throws InterruptedException {
            if (rate == 0) {
                return;
            }
            long due = startNanos + linesSent * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }
}
