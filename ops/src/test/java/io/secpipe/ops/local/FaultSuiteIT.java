package io.secpipe.ops.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SourcePosition;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Crashes and an outage under a steady load of flow records through the real local stack: a tailing file source
 * reads a file that a generator appends to, while the Connect worker is killed with SIGKILL and started again,
 * then the Streams app, then the engine is stopped for 60 s. Afterwards every valid line is exactly one document
 * (the set of ids is the set of lines written), every minute window (the last ones too, which the idle close
 * emits once the load stops) holds exactly the sums recomputed from
 * the lines, and the dead-letter topic holds exactly the malformed lines.
 *
 * <p>One engine (OpenSearch, the stack's default) and one stack for the three faults: the faults concern Kafka,
 * Connect and the Streams app, which are the same whichever engine runs, and each stack start costs a minute.
 */
@Tag("fault")
class FaultSuiteIT {

    private static final Path ROOT = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();
    private static final String FLOW_INDICES = "cwl-vpcflow-*,-cwl-vpcflow-minute-*";
    private static final long T0 = 1_780_000_020L; // event time of the first line: 2026-05-28T20:27:00Z, a minute's start
    private static final int LINES_PER_EVENT_SECOND = 20;
    private static final int LINES_PER_WALL_SECOND = 100;
    private static final int MALFORMED_EVERY = 997;
    private static final int[] PORTS = {443, 80, 22, 53};
    private static final int INTERFACES = 4;

    /** The lines written, in order: line n (from 1) is lines.get(n - 1). */
    private final List<String> lines = new ArrayList<>();

    @Test
    void crashesAndAnOutageLoseNothingAndDuplicateNothing() throws Exception {
        Path home = ROOT.resolve("ops/target/it-faults");
        SearchEngine.deleteTree(home);
        Files.createDirectories(home);
        int[] ports = FreePorts.take(5);
        StackSettings settings = new StackSettings(ROOT, home, Engine.OPENSEARCH, ports[0], ports[1], ports[2], ports[3], ports[4]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        LocalStack stack = new LocalStack(settings, out);
        Supervisor supervisor = new Supervisor(settings.runDir(), settings.logDir());
        Path file = home.resolve("load/flows.log");
        Files.createDirectories(file.getParent());
        Files.createFile(file);
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread generator = new Thread(() -> generate(file, loading), "fault-suite-load");
        try {
            assertThat(stack.up()).isTrue();
            Http connect = ConnectWorker.rest(settings);
            connect.send("PUT", "/connectors/fault-load/config", tailingSource(file)).orThrow("PUT fault-load");
            generator.start();
            awaitDocuments(settings, 500, Duration.ofMinutes(2));

            long t = System.nanoTime();
            supervisor.kill(ConnectWorker.NAME);
            Thread.sleep(5000); // the load goes on: lines pile up unread
            new ConnectWorker(settings, supervisor, out).start();
            out.printf("fault 1: Connect killed (SIGKILL) and back in %d s, %d lines written%n", seconds(t), written());
            awaitDocuments(settings, written() - 1000, Duration.ofMinutes(2));

            t = System.nanoTime();
            supervisor.kill(StreamsProcess.NAME);
            Thread.sleep(5000);
            new StreamsProcess(settings, supervisor, out).start();
            out.printf("fault 2: Streams app killed (SIGKILL) and back in %d s, %d lines written%n", seconds(t), written());
            awaitDocuments(settings, written() - 1000, Duration.ofMinutes(2));

            // a graceful stop: what the engine loses on a crash is its own business (its translog); ours is that the
            // sink holds back offsets and retries until it is back
            t = System.nanoTime();
            supervisor.stop(SearchEngine.NAME, Duration.ofSeconds(30));
            Thread.sleep(60_000);
            new SearchEngine(settings, supervisor, out).start();
            out.printf("fault 3: engine stopped for 60 s and back in %d s, %d lines written%n", seconds(t), written());

            Thread.sleep(10_000);
            loading.set(false);
            generator.join();
            int total = written();
            List<String> valid = validLines();
            int malformed = total - valid.size();
            out.printf("load stopped: %d lines, %d valid, %d malformed%n", total, valid.size(), malformed);

            // every valid line once: the count, and the ids themselves
            awaitDocuments(settings, valid.size(), Duration.ofMinutes(4));
            Thread.sleep(5000); // a moment for extras, which must not come
            assertThat(count(settings, FLOW_INDICES, "{\"match_all\":{}}")).as("documents").isEqualTo(valid.size());
            assertThat(countOfIds(settings, file)).as("documents whose id is a written line's").isEqualTo(valid.size());

            // every closed window exactly as recomputed from the lines
            Map<String, long[]> expected = expectedWindows();
            Map<String, long[]> windows = awaitWindows(settings, expected.size(), Duration.ofMinutes(4));
            assertThat(windows.keySet()).as("closed minute windows").containsExactlyElementsOf(expected.keySet());
            expected.forEach((key, sums) -> assertThat(windows.get(key)).as(key + " flows, bytes, packets").containsExactly(sums));

            assertThat(deadLetters(settings, malformed)).as("dead letters").isEqualTo(malformed);
        } finally {
            loading.set(false);
            generator.join(10_000);
            stack.down();
            Path moved = home.resolve("engine.location");
            if (Files.exists(moved)) {
                SearchEngine.deleteTree(Path.of(Files.readString(moved).trim()));
            }
        }
    }

    private static ObjectNode tailingSource(Path file) throws IOException {
        ObjectNode config = (ObjectNode) Http.JSON.readTree(ROOT.resolve("connector-configs/local/replay/vpcflow-file-source.json").toFile());
        config.put("files", file.toString());
        config.put("tail", "true");
        config.put("poll.interval.ms", "200");
        return config;
    }

    /** Appends lines at a steady rate until told to stop; every MALFORMED_EVERY-th line is cut short. */
    private void generate(Path file, AtomicBoolean loading) {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            long next = System.nanoTime();
            while (loading.get()) {
                for (int i = 0; i < LINES_PER_WALL_SECOND / 10; i++) {
                    int n = written() + 1;
                    String line = n % MALFORMED_EVERY == 0 ? "2 111122223333 eni-fault0 10.0.0.5 cut short" : flow(n, T0 + n / LINES_PER_EVENT_SECOND);
                    writer.write(line + "\n");
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
                writer.flush();
                next += 100_000_000L;
                Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the load generator stopped", e);
        }
    }

    private static String flow(int n, long start) {
        return "2 111122223333 eni-fault" + (n % INTERFACES) + " 10.0.0." + (n % 200) + " 10.0.1." + (n % 7) + " " + (30000 + n % 20000)
                + " " + PORTS[(n / INTERFACES) % PORTS.length] + " 6 " + (1 + n % 9) + " " + (40 + n % 1500) + " " + start + " "
                + (start + 5) + " ACCEPT OK";
    }

    private int written() {
        synchronized (lines) {
            return lines.size();
        }
    }

    private List<String> validLines() {
        synchronized (lines) {
            return lines.stream().filter(l -> !l.endsWith("cut short")).toList();
        }
    }

    /** "interface|port|window start" → {flows, bytes, packets} of every window of the load, the last ones included: the idle close emits them. */
    private Map<String, long[]> expectedWindows() {
        Map<String, long[]> sums = new TreeMap<>();
        for (String line : validLines()) {
            String[] f = line.split(" ");
            long start = Long.parseLong(f[10]);
            String window = Instant.ofEpochSecond(start - Math.floorMod(start, 60)).toString();
            long[] s = sums.computeIfAbsent(f[2] + "|" + f[6] + "|" + window, k -> new long[3]);
            s[0]++;
            s[1] += Long.parseLong(f[9]);
            s[2] += Long.parseLong(f[8]);
        }
        return sums;
    }

    private static Map<String, long[]> awaitWindows(StackSettings settings, int expected, Duration timeout) throws Exception {
        Map<String, long[]> windows = Map.of();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            windows = windows(settings);
            if (windows.size() >= expected) {
                Thread.sleep(3000);
                return windows(settings);
            }
            Thread.sleep(1000);
        }
        return windows;
    }

    private static Map<String, long[]> windows(StackSettings settings) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("size", 10_000);
        Http.Answer answer;
        try {
            answer = new Http(settings.engineUrl()).send("POST", "/cwl-vpcflow-minute-*/_search", body).orThrow("minute _search");
        } catch (IOException notYet) {
            return Map.of();
        }
        Map<String, long[]> windows = new TreeMap<>();
        for (JsonNode hit : answer.body().path("hits").path("hits")) {
            JsonNode doc = hit.path("_source");
            windows.put(doc.path("interface_id").asText() + "|" + doc.path("dstport").asText() + "|" + doc.path("@timestamp").asText(),
                    new long[] {doc.path("flows").asLong(), doc.path("bytes").asLong(), doc.path("packets").asLong()});
        }
        return windows;
    }

    private static void awaitDocuments(StackSettings settings, long atLeast, Duration timeout) throws Exception {
        await("at least " + atLeast + " documents", timeout, () -> {
            try {
                return count(settings, FLOW_INDICES, "{\"match_all\":{}}") >= atLeast;
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    private static long count(StackSettings settings, String indices, String query) throws Exception {
        Http engine = new Http(settings.engineUrl());
        engine.send("POST", "/" + indices + "/_refresh", null);
        return engine.send("POST", "/" + indices + "/_count", Http.JSON.readTree("{\"query\":" + query + "}"))
                .orThrow("_count").body().path("count").asLong();
    }

    /** Documents whose id is that of a written valid line: ids as the tailing file source makes them (position and inode). */
    private long countOfIds(StackSettings settings, Path file) throws Exception {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        List<String> ids = new ArrayList<>();
        List<String> all;
        synchronized (lines) {
            all = List.copyOf(lines);
        }
        for (int n = 1; n <= all.size(); n++) {
            if (!all.get(n - 1).endsWith("cut short")) {
                String uri = SourcePosition.ofFileLine(file.toAbsolutePath().normalize(), n).uri();
                ids.add(key == null ? new SourcePosition(uri).documentId() : new SourcePosition(uri + "@" + key).documentId());
            }
        }
        long found = 0;
        for (int from = 0; from < ids.size(); from += 10_000) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 10_000));
            found += count(settings, FLOW_INDICES, "{\"ids\":{\"values\":" + Http.JSON.writeValueAsString(chunk) + "}}");
        }
        return found;
    }

    /** Committed records of dlq.vpcflow, read until none came for a few polls. */
    private static long deadLetters(StackSettings settings, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("dlq.vpcflow").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long records = 0;
            int quiet = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && (records < expected || quiet < 4)) {
                int n = consumer.poll(Duration.ofMillis(500)).count();
                records += n;
                quiet = n == 0 ? quiet + 1 : 0;
            }
            return records;
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(1000);
        }
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
    }
}
