package io.secpipe.ops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole road on real components: a KRaft broker, the search engine from its Maven Central zip,
 * a Connect worker with the built plugins, the Streams app. Files go in through the source connector;
 * the test reads back the exact documents, their daily indices and the one dead letter, then replays
 * and checks that the replay overwrote (version 2) instead of duplicating.
 */
class LocalStackIT {

    private static final Path ROOT = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();

    @ParameterizedTest
    @EnumSource(Engine.class)
    void indexesEachValidLineOnceInItsEventDayAndAReplayChangesNoCount(Engine engine) throws Exception {
        Path home = ROOT.resolve("ops/target/it-" + engine.displayName());
        SearchEngine.deleteTree(home);
        Files.createDirectories(home);
        int[] ports = FreePorts.take(5);
        StackSettings settings = new StackSettings(ROOT, home, engine, ports[0], ports[1], ports[2], ports[3], ports[4]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        LocalStack stack = new LocalStack(settings, out);
        List<Path> files = fixtures(home);
        try {
            assertThat(stack.up()).isTrue();
            assertThat(stack.up()).as("a second up changes nothing").isFalse();
            assertThat(new Http(settings.connectUrl()).get("/connector-plugins?connectorsOnly=true").body().findValuesAsText("class"))
                    .as("the worker lists every secpipe connector").containsAll(ConnectWorker.PLUGINS);

            // the inventory first, as a site without AWS access loads it: flows are then enriched by it
            Replay.Result enis = new Replay(settings, out).run(Replay.Type.ENI,
                    List.of(ROOT.resolve("ops/src/test/resources/e2e/network-interfaces.json")), Duration.ofMinutes(2));
            assertThat(enis.indexed()).isEqualTo(2);
            Thread.sleep(3000); // the Streams app's global ref.eni table reads on its own thread: let it catch up

            Replay.Result first = new Replay(settings, out).run(Replay.Type.VPCFLOW, files, Duration.ofMinutes(3));
            assertThat(first.sent()).isEqualTo(7);
            assertThat(first.deadLettered()).isEqualTo(1);
            assertThat(first.perIndex()).containsExactly(
                    entry("cwl-vpcflow-2024.03.01", 3L), entry("cwl-vpcflow-2024.03.02", 1L), entry("cwl-vpcflow-2024.03.03", 2L));

            List<JsonNode> hits = search(settings);
            assertThat(hits).hasSize(6);
            assertThat(hits).extracting(h -> h.path("_version").asInt()).containsOnly(1);
            assertThat(hits).extracting(h -> h.path("_source").path("event").path("ingested").asText()).allMatch(s -> s.endsWith("Z"));
            List<JsonNode> documents = hits.stream().map(LocalStackIT::sourceWithoutIngested).toList();
            assertGolden(documents, "e2e/expected-vpcflow.json");
            // what the golden file holds, in words: the ENI's groups, direction, protocol names, geo for public addresses only
            assertThat(documents.get(0).path("security_group_ids").toString()).isEqualTo("[\"sg-0e2e000000000000a\"]");
            assertThat(documents.get(0).path("direction").asText()).isEqualTo("outbound");
            assertThat(documents.get(1).path("direction").asText()).isEqualTo("inbound");
            assertThat(documents.get(1).has("src_geo")).as("198.51.100.7 is a documentation address: no geo").isFalse();
            assertThat(documents.get(4).path("dst_geo").path("country_iso_code").asText()).isNotEmpty();
            assertThat(documents).extracting(d -> d.path("protocol_name").asText()).containsExactly("tcp", "tcp", "", "tcp", "tcp", "tcp");
            assertThat(hits).extracting(h -> h.path("_index").asText()).containsExactly(
                    "cwl-vpcflow-2024.03.01", "cwl-vpcflow-2024.03.01", "cwl-vpcflow-2024.03.01",
                    "cwl-vpcflow-2024.03.02", "cwl-vpcflow-2024.03.03", "cwl-vpcflow-2024.03.03");

            List<ConsumerRecord<String, String>> deadLetters = deadLetters(settings, 1);
            assertThat(deadLetters).hasSize(1);
            ConsumerRecord<String, String> dead = deadLetters.get(0);
            assertThat(dead.value()).isEqualTo("2 111122223333 eni-0123456789abcdef0 10.0.0.5 this line is malformed");
            assertThat(header(dead, SecpipeHeaders.SOURCE)).isEqualTo("file:" + files.get(0) + "#5");
            assertThat(header(dead, SecpipeHeaders.ERROR_CLASS)).isEqualTo("io.secpipe.streams.vpcflow.FlowLogParseException");
            assertThat(header(dead, SecpipeHeaders.ERROR_MESSAGE)).isEqualTo(
                    "expected 14 fields (version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
                            + "bytes start end action log-status), found 8");

            Replay.Result second = new Replay(settings, out).run(Replay.Type.VPCFLOW, files, Duration.ofMinutes(3));
            assertThat(second.perIndex()).isEqualTo(first.perIndex());
            assertThat(second.deadLettered()).isEqualTo(1);
            List<JsonNode> afterReplay = search(settings);
            assertThat(afterReplay).hasSize(6);
            assertThat(afterReplay).extracting(h -> h.path("_version").asInt()).containsOnly(2);
            assertThat(afterReplay.stream().map(LocalStackIT::sourceWithoutIngested).toList()).containsExactlyElementsOf(documents);
            // the dead-letter topic is a log of rejections: the replay's rejection is a second record for the same line
            assertThat(deadLetters(settings, 2)).extracting(r -> header(r, SecpipeHeaders.SOURCE))
                    .containsExactly("file:" + files.get(0) + "#5", "file:" + files.get(0) + "#5");

            // HIDS: an OSSEC 2.x alert and a Wazuh 4.x alert become documents of one shape; a cut-off line is a dead letter
            Replay.Result alerts = new Replay(settings, out).run(Replay.Type.OSSEC,
                    List.of(ROOT.resolve("ops/src/test/resources/e2e/alerts.json")), Duration.ofMinutes(2));
            assertThat(alerts.sent()).isEqualTo(3);
            assertThat(alerts.deadLettered()).isEqualTo(1);
            assertThat(alerts.perIndex()).containsExactly(entry("cwl-ossec-2024.03.01", 2L));
            List<JsonNode> alertDocs = search(settings, Replay.Type.OSSEC.indexPattern).stream().map(LocalStackIT::sourceWithoutIngested).toList();
            assertGolden(alertDocs, "e2e/expected-ossec.json");
            for (JsonNode alert : alertDocs) {
                assertThat(alert.path("rule").path("sidid").isInt()).isTrue();
                assertThat(alert.path("rule").path("groups").isArray()).isTrue();
                assertThat(alert.path("srcip").asText()).isEqualTo("203.0.113.9");
                assertThat(alert.path("agent").path("name").asText()).isEqualTo("web-1");
            }

            // CloudTrail: of a console login, a DescribeInstances call and a RunInstances call, the seed's pattern
            // selects the launch alone; the enforcer decides on the instance it started
            Replay.Result trail = new Replay(settings, out).run(Replay.Type.CLOUDTRAIL,
                    List.of(ROOT.resolve("ops/src/test/resources/e2e/cloudtrail.json")), Duration.ofMinutes(2));
            assertThat(trail.sent()).isEqualTo(3);
            assertThat(trail.perIndex()).contains(entry("cloudtrail-ec2-2026.11.02", 1L));
            List<JsonNode> calls = awaitDocuments(settings, "cloudtrail-ec2-*", 1);
            assertThat(calls).extracting(c -> c.path("_id").asText()).containsExactly("e1a00000-0000-4000-8000-000000000001");
            assertThat(calls.get(0).path("_source").path("event_name").asText()).isEqualTo("RunInstances");
            List<JsonNode> decisions = awaitDocuments(settings, "ec2-enforcement-*", 1);
            JsonNode decision = decisions.get(0).path("_source");
            assertThat(decision.path("action").asText()).isEqualTo("ALLOW");
            assertThat(decision.path("instance_id").asText()).isEqualTo("i-0bbb0000000000001");
            assertThat(decision.path("region").asText()).isEqualTo("eu-west-1");
            assertThat(decision.path("num_instances").asInt()).isEqualTo(1);
        } finally {
            stack.down();
            Path moved = home.resolve("engine.location");
            if (Files.exists(moved)) {
                SearchEngine.deleteTree(Path.of(Files.readString(moved).trim()));
            }
        }
        assertThat(stack.anyRunning()).isFalse();
    }

    /** A plain v2 file without header, and a gzip file whose header names a custom field order. */
    private static List<Path> fixtures(Path home) throws IOException {
        Path plain = home.resolve("flows.log");
        Files.copy(ROOT.resolve("ops/src/test/resources/e2e/flows.log"), plain);
        Path gz = home.resolve("flows-custom.log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(String.join("\n",
                    "interface-id srcaddr dstaddr dstport protocol bytes packets start end action log-status flow-direction",
                    "eni-0fedcba9876543210 10.0.0.9 52.94.133.131 443 6 1234 5 1709424000 1709424060 ACCEPT OK egress",
                    "eni-0fedcba9876543210 10.0.0.9 52.94.133.131 443 6 99 2 1709424100 1709424160 REJECT OK egress",
                    "").getBytes(StandardCharsets.UTF_8));
        }
        return List.of(plain, gz);
    }

    /**
     * Compares documents with a reviewed golden file. {@code -Dsecpipe.golden.write=true} writes the file
     * instead (then review the diff before committing it): the documents carry many fields, and the file
     * shows all of them where a reviewer can read them.
     */
    private static void assertGolden(List<JsonNode> documents, String resource) throws IOException {
        Path file = ROOT.resolve("ops/src/test/resources").resolve(resource);
        if (Boolean.getBoolean("secpipe.golden.write")) {
            Files.writeString(file, Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(documents) + "\n");
            return;
        }
        JsonNode expected = Http.JSON.readTree(file.toFile());
        assertThat(documents).containsExactlyElementsOf(() -> expected.elements());
    }

    private static List<JsonNode> search(StackSettings settings) throws Exception {
        return search(settings, Replay.Type.VPCFLOW.indexPattern);
    }

    private static List<JsonNode> search(StackSettings settings, String indices) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("size", 100);
        body.put("version", true);
        body.putArray("sort").addObject().put("@timestamp", "asc");
        Http.Answer answer = new Http(settings.engineUrl()).send("POST", "/" + indices + "/_search", body).orThrow("_search");
        List<JsonNode> hits = new ArrayList<>();
        answer.body().path("hits").path("hits").forEach(hits::add);
        return hits;
    }

    /** The hits of an index pattern once there are {@code expected} of them (60 s at most), then a moment longer to catch extras. */
    private static List<JsonNode> awaitDocuments(StackSettings settings, String indices, int expected) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        List<JsonNode> hits = List.of();
        while (System.currentTimeMillis() < deadline) {
            try {
                hits = search(settings, indices);
            } catch (IOException notYet) {
                hits = List.of(); // the index does not exist yet, or is allocating its shard
            }
            if (hits.size() >= expected) {
                Thread.sleep(2000);
                return search(settings, indices);
            }
            Thread.sleep(500);
        }
        return hits;
    }

    private static JsonNode sourceWithoutIngested(JsonNode hit) {
        ObjectNode source = hit.path("_source").deepCopy();
        source.remove("event");
        return source;
    }

    /** Reads the dead-letter topic from the start until {@code expected} records, then a little longer to catch extras. */
    private static List<ConsumerRecord<String, String>> deadLetters(StackSettings settings, int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("dlq.vpcflow", 0)));
            consumer.seekToBeginning(consumer.assignment());
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            int quietPolls = 0;
            while (System.currentTimeMillis() < deadline && (records.size() < expected || quietPolls < 3)) {
                int before = records.size();
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                quietPolls = records.size() == before ? quietPolls + 1 : 0;
            }
            return records;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
