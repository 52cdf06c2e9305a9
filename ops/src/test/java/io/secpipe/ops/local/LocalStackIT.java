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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
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
        // the unused-rule report runs hourly by default: every 2 s here, judging over ten years, so that the
        // 2024 fixtures count as recent
        Files.writeString(home.resolve("streams-overrides.properties"),
                "sgusage.report.interval=PT2S\nsgusage.report.lookback=P3650D\n");
        if (engine == Engine.ELASTICSEARCH) {
            // one of the two runs closes the Connect REST API behind basic auth: the stack's own calls carry it
            Files.writeString(ConnectWorker.credentialsFile(settings), "secpipe-admin=" + java.util.UUID.randomUUID() + "\n");
        }
        try {
            assertThat(stack.up()).isTrue();
            if (engine == Engine.ELASTICSEARCH) {
                assertThat(new Http(settings.connectUrl()).get("/connectors").status()).as("without credentials").isEqualTo(401);
            }
            assertThat(stack.up()).as("a second up changes nothing").isFalse();
            assertThat(ConnectWorker.rest(settings).get("/connector-plugins?connectorsOnly=true").body().findValuesAsText("class"))
                    .as("the worker lists every secpipe connector").containsAll(ConnectWorker.PLUGINS);

            // the inventory first, as a site without AWS access loads it: flows are then enriched by it
            Replay.Result enis = new Replay(settings, out).run(Replay.Type.ENI,
                    List.of(ROOT.resolve("ops/src/test/resources/e2e/network-interfaces.json")), Duration.ofMinutes(2));
            assertThat(enis.indexed()).isEqualTo(2);
            Replay.Result groups = new Replay(settings, out).run(Replay.Type.SECURITY_GROUPS,
                    List.of(ROOT.resolve("ops/src/test/resources/e2e/security-groups.json")), Duration.ofMinutes(2));
            assertThat(groups.indexed()).isEqualTo(3);
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

            // per-minute totals: an interface's windows close once its own event time has moved past them (plus the
            // horizon), or after it has been quiet for the idle close; a later batch from every interface of the
            // fixtures closes all their windows (its own close on idle, in the minute indices of 2024.03.10)
            Replay.Result later = new Replay(settings, out).run(Replay.Type.VPCFLOW, List.of(laterFlows(home)), Duration.ofMinutes(2));
            assertThat(later.perIndex()).containsExactly(entry("cwl-vpcflow-2024.03.10", (long) LATER_PORTS.length));
            List<JsonNode> minutes = awaitDocuments(settings, FIXTURE_MINUTES, 5).stream().map(LocalStackIT::sourceWithoutIngested).toList();
            assertThat(minutes).extracting(m -> m.path("@timestamp").asText()).containsExactly("2024-03-01T00:00:00Z",
                    "2024-03-01T12:00:00Z", "2024-03-02T00:00:00Z", "2024-03-03T00:00:00Z", "2024-03-03T00:01:00Z");
            long[] raw = rawTotals(files);
            assertThat(new long[] {
                    minutes.stream().mapToLong(m -> m.path("flows").asLong()).sum(),
                    minutes.stream().mapToLong(m -> m.path("bytes").asLong()).sum(),
                    minutes.stream().mapToLong(m -> m.path("packets").asLong()).sum()})
                    .as("flows, bytes and packets over the minute documents = over the raw lines").containsExactly(raw);
            assertThat(raw).containsExactly(5, 7473, 25);
            assertThat(minutes.get(2).toString()).isEqualTo("{\"@timestamp\":\"2024-03-02T00:00:00Z\",\"window_end\":\"2024-03-02T00:01:00Z\","
                    + "\"interface_id\":\"eni-0fedcba9876543210\",\"action\":\"ACCEPT\",\"direction\":\"inbound\",\"dstport\":50000,"
                    + "\"protocol\":6,\"protocol_name\":\"tcp\",\"flows\":1,\"bytes\":900,\"packets\":7}");

            Replay.Result second = new Replay(settings, out).run(Replay.Type.VPCFLOW, files, Duration.ofMinutes(3));
            assertThat(second.perIndex()).isEqualTo(first.perIndex());
            assertThat(second.deadLettered()).isEqualTo(1);
            // the replayed fixtures' windows are closed: each of their 5 flows (the NODATA line counts in no window) is
            // late, kept on late.vpcflow, and 'status' says so, beside the two dead letters
            assertThat(awaitStatus(settings, "vpcflow-minute.late-record-total", 5)).containsPattern("(?m)^  vpcflow-parse.dead-letter-total +2$");
            List<JsonNode> afterReplay = search(settings, FIXTURE_DAYS);
            assertThat(afterReplay).hasSize(6);
            assertThat(afterReplay).extracting(h -> h.path("_version").asInt()).containsOnly(2);
            assertThat(afterReplay.stream().map(LocalStackIT::sourceWithoutIngested).toList()).containsExactlyElementsOf(documents);
            // the dead-letter topic is a log of rejections: the replay's rejection is a second record for the same line
            assertThat(deadLetters(settings, 2)).extracting(r -> header(r, SecpipeHeaders.SOURCE))
                    .containsExactly("file:" + files.get(0) + "#5", "file:" + files.get(0) + "#5");

            // the replay's records are late for windows that closed: counted, not added
            assertThat(awaitDocuments(settings, FIXTURE_MINUTES, 5).stream().map(LocalStackIT::sourceWithoutIngested).toList())
                    .containsExactlyElementsOf(minutes);

            // a delivery as AWS makes it (30 interfaces, 10-minute intervals each at its own offset, lines shuffled
            // within each delivery, deliveries up to 10 minutes late; written by streams-app's FlowDeliveryGenerator):
            // after the idle close every minute window holds exactly the sums of its lines, the last ones too, none late
            Path delivery = home.resolve("vpcflow-delivery.log");
            Files.copy(ROOT.resolve("ops/src/test/resources/e2e/vpcflow-delivery.log"), delivery);
            Replay.Result shuffled = new Replay(settings, out).run(Replay.Type.VPCFLOW, List.of(delivery), Duration.ofMinutes(3));
            assertThat(shuffled.perIndex()).containsExactly(entry("cwl-vpcflow-2026.11.24", 894L));
            Map<String, long[]> expectedWindows = deliveryWindows(delivery);
            Map<String, long[]> windows = awaitWindows(settings, expectedWindows.size());
            assertThat(windows.keySet()).as("minute windows of the delivery").containsExactlyElementsOf(expectedWindows.keySet());
            expectedWindows.forEach((key, sums) -> assertThat(windows.get(key)).as(key + " flows, bytes, packets").containsExactly(sums));
            assertThat(awaitStatus(settings, "vpcflow-minute.late-record-total", 5)).as("no flow of the delivery is late").isNotEmpty();
            // a second replay changes nothing: its windows are closed, so every flow is late, counted and kept on late.vpcflow
            new Replay(settings, out).run(Replay.Type.VPCFLOW, List.of(delivery), Duration.ofMinutes(3));
            assertThat(awaitStatus(settings, "vpcflow-minute.late-record-total", 5 + 894)).isNotEmpty();
            Map<String, long[]> again = minuteWindows(settings);
            assertThat(again.keySet()).containsExactlyElementsOf(expectedWindows.keySet());
            expectedWindows.forEach((key, sums) -> assertThat(again.get(key)).as(key + " after a second replay").containsExactly(sums));

            // security-group rule usage: the IPv6 flow to port 50000 used one rule of sg-…b; the rest saw nothing
            assertThat(awaitReport(settings, "sg-0e2e000000000000b", 1)).isEqualTo(
                    "[\"sg-0e2e000000000000b/tcp/22-22/10.0.0.0/8\"] no_traffic=false");
            assertThat(awaitReport(settings, "sg-0e2e000000000000c", 1)).isEqualTo(
                    "[\"sg-0e2e000000000000c/tcp/3389-3389/203.0.113.0/24\"] no_traffic=false");
            assertThat(awaitReport(settings, "sg-0e2e000000000000a", 1)).as("attached, but no accepted inbound flow: a candidate for removal")
                    .isEqualTo("[\"sg-0e2e000000000000a/tcp/443-443/0.0.0.0/0\"] no_traffic=true");

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

            // HIDS through CloudWatch Logs: the seed's @log_* fields; a log event without id is the source's error, a
            // cut-off alert line the Streams app's; the replay names each stage's count
            Replay.Result cwlAlerts = new Replay(settings, out).run(Replay.Type.OSSEC_CWL, List.of(cwlAlerts(home)), Duration.ofMinutes(2));
            assertThat(cwlAlerts.sent()).isEqualTo(3);
            assertThat(cwlAlerts.indexed()).isEqualTo(1);
            assertThat(cwlAlerts.deadLetters()).containsExactly(entry("source errors", 1L), entry("dlq.ossec", 1L), entry("sink dlq", 0L));
            assertThat(cwlAlerts.complete()).isTrue();
            ObjectNode seedQuery = Http.JSON.createObjectNode();
            seedQuery.putObject("query").putObject("query_string")
                    .put("query", "rule.level: 6 AND @log_stream: \"i-0e427a8594852eca2\" AND srcip: 10.10.10.10");
            seedQuery.put("size", 10);
            JsonNode found = new Http(settings.engineUrl()).send("POST", "/cwl-ossec-*/_search", seedQuery).orThrow("_search")
                    .body().path("hits").path("hits");
            assertThat(found).hasSize(1);
            JsonNode hidsDoc = found.get(0).path("_source");
            assertThat(hidsDoc.path("@log_group").asText()).isEqualTo("ossec-hids-alerts");
            assertThat(hidsDoc.path("@log_stream").asText()).isEqualTo("i-0e427a8594852eca2");
            assertThat(hidsDoc.path("@owner").asText()).isEqualTo("123456789012");
            assertThat(hidsDoc.path("@message").asText()).isEqualTo(SEED_ALERT);

            // CloudTrail: of a console login, a DescribeInstances call and a RunInstances call, the seed's pattern
            // selects the launch alone; the enforcer decides on the instance it started
            Replay.Result trail = new Replay(settings, out).run(Replay.Type.CLOUDTRAIL,
                    List.of(ROOT.resolve("ops/src/test/resources/e2e/cloudtrail.json")), Duration.ofMinutes(2));
            assertThat(trail.sent()).isEqualTo(3);
            assertThat(trail.indexed()).isEqualTo(1);
            assertThat(trail.unmatched()).as("left out by the pattern, counted by the Streams app").isEqualTo(2);
            assertThat(trail.deadLettered()).isZero();
            assertThat(trail.complete()).isTrue();
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

            if (engine == Engine.OPENSEARCH) {
                // issue 14's done-when files, end to end on the engine that runs first, after the steps above (their
                // counts, minute windows, rule reports and the enforcer's first decision are asserted already)
                replaysTheSeedPatternFileWithEveryCloudTrailShape(settings, out);
                replaysAConcatenatedFlowLogFileOfFourFormats(settings, out, home);
            }

            // 'bin/secpipe templates install' puts every template of search/templates/, as the sinks do on start
            Http engineHttp = new Http(settings.engineUrl());
            engineHttp.send("DELETE", "/_index_template/secpipe-vpcflow", null).orThrow("deleting a template");
            List<String> templateNames;
            try (java.util.stream.Stream<Path> list = Files.list(ROOT.resolve("search/templates"))) {
                templateNames = list.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                        .map(n -> "secpipe-" + n.replaceFirst("\\.json$", "")).sorted().toList();
            }
            assertThat(new io.secpipe.ops.templates.TemplatesInstall(settings.engineUrl(), out).install(ROOT.resolve("search/templates")))
                    .isEqualTo(templateNames.size());
            List<String> installed = new ArrayList<>();
            JsonNode templates = engineHttp.get("/_index_template/secpipe-*").orThrow("the templates").body().path("index_templates");
            templates.forEach(t -> installed.add(t.path("name").asText()));
            assertThat(installed).containsExactlyInAnyOrderElementsOf(templateNames);
            templates.forEach(t -> {
                if (t.path("name").asText().equals("secpipe-vpcflow")) {
                    assertThat(t.path("index_template").path("index_patterns").toString()).isEqualTo("[\"cwl-vpcflow-*\"]");
                }
            });
        } finally {
            stack.down();
            Path moved = home.resolve("engine.location");
            if (Files.exists(moved)) {
                SearchEngine.deleteTree(Path.of(Files.readString(moved).trim()));
            }
        }
        assertThat(stack.anyRunning()).isFalse();
    }

    /** The derived id of the file's eventVersion 1.0 StopInstances record, which has no eventID (as streams-app's tests have it). */
    private static final String STOP_V10_ID = "derived:sha256:4333ab68198125be5bd592a28f589a3506eb613a98adf1379b4fb34300fd538e";

    /**
     * One call of each of the seed pattern's 19 event names, an eventVersion 1.0 StopInstances without eventID, an
     * Insights record and three calls outside the pattern: 20 documents, 4 unmatched, no dead letter; a second
     * replay overwrites. The launch and the start are decided by the enforcer, after the stack's first launch.
     */
    private static void replaysTheSeedPatternFileWithEveryCloudTrailShape(StackSettings settings, PrintStream out) throws Exception {
        List<Path> file = List.of(ROOT.resolve("ops/src/test/resources/e2e/cloudtrail-seed-19-plus.json"));
        String indices = "cloudtrail-ec2-2014.03.06,cloudtrail-ec2-2026.11.03";
        List<String> ids = new ArrayList<>(List.of(STOP_V10_ID)); // by @timestamp: the 2014 record first, then the seed's calls
        for (int i = 1; i <= 19; i++) {
            ids.add(String.format("5eed0000-0000-4000-8000-%012d", i));
        }
        for (int replay = 1; replay <= 2; replay++) {
            Replay.Result seed = new Replay(settings, out).run(Replay.Type.CLOUDTRAIL, file, Duration.ofMinutes(2));
            assertThat(seed.sent()).isEqualTo(24);
            assertThat(seed.indexed()).isEqualTo(20);
            assertThat(seed.unmatched()).as("an Insights record, DescribeInstances, CreateKeyPair, iam CreateUser").isEqualTo(4);
            assertThat(seed.deadLetters()).containsExactly(entry("source errors", 0L), entry("dlq.cloudtrail", 0L), entry("sink dlq", 0L));
            assertThat(seed.perIndex()).containsExactly(entry("cloudtrail-ec2-2014.03.06", 1L), entry("cloudtrail-ec2-2026.11.03", 19L));
            assertThat(seed.summary()).startsWith("Replay complete: 24 records sent, 20 indexed, 4 unmatched (cloudtrail pattern), "
                    + "0 dead-lettered (source errors 0, dlq.cloudtrail 0, sink dlq 0), ");
            List<JsonNode> calls = search(settings, indices);
            assertThat(calls).extracting(c -> c.path("_id").asText()).containsExactlyElementsOf(ids);
            assertThat(calls).extracting(c -> c.path("_version").asInt()).as("replay " + replay).containsOnly(replay);
        }
        List<JsonNode> calls = search(settings, indices);
        assertThat(calls.get(0).path("_index").asText()).isEqualTo("cloudtrail-ec2-2014.03.06");
        assertThat(calls.get(0).path("_source").path("event_name").asText()).isEqualTo("StopInstances");
        assertThat(calls.get(0).path("_source").path("event_id").asText()).isEqualTo(STOP_V10_ID);
        assertThat(calls.get(0).path("_source").path("@timestamp").asText()).isEqualTo("2014-03-06T21:01:59Z");
        assertThat(calls.subList(1, 20)).extracting(c -> c.path("_source").path("event_name").asText()).containsExactly(
                "RunInstances", "StopInstances", "StartInstances", "CreateFlowLogs", "CreateImage", "CreateNatGateway", "CreateVpc",
                "DeleteKeyPair", "DeleteNatGateway", "DeleteRoute", "DeleteRouteTable", "CreateSnapshot", "DeleteSnapshot", "DeleteVpc",
                "DeleteVpcEndpoints", "DeleteSecurityGroup", "ModifyVolume", "ModifyVpcEndpoint", "TerminateInstances");
        assertThat(search(settings, "cloudtrail-ec2-*")).as("with the stack's first launch").hasSize(21);

        // the launch and the start of eu-west-1 each make the count exceed 1 (the first launch is still running): DELETE,
        // decided once (the replay's records are no new start); which of them comes first depends on partitions, not on time
        List<JsonNode> decisions = awaitDocuments(settings, "ec2-enforcement-*", 3).stream().map(d -> d.path("_source")).toList();
        assertThat(decisions).extracting(d -> d.path("instance_id").asText() + " " + d.path("trigger").asText() + " "
                        + d.path("action").asText() + " " + d.path("region").asText())
                .containsExactly("i-0bbb0000000000001 RunInstances ALLOW eu-west-1", "i-0a1b2c3d4e5f60001 RunInstances DELETE eu-west-1",
                        "i-0a1b2c3d4e5f60003 StartInstances DELETE eu-west-1");
        assertThat(decisions.subList(1, 3)).extracting(d -> d.path("num_instances").asInt()).containsExactlyInAnyOrder(2, 3);
        assertThat(decisions.subList(1, 3)).extracting(d -> d.path("outcome").asText()).as("the actuator is off").containsOnly("not_acted");
    }

    /** The file's modification time: the delivery time of its NAT-gateway records, which have no start or end. */
    private static final Instant FLOWS_DELIVERED = Instant.parse("2025-06-01T12:00:00Z");

    /**
     * Four gzip members: a v2 block (7 records), a v5 traffic-path block (2), a transit-gateway block (3) and, after a
     * blank line, a NAT-gateway block without time fields (6), each under its header: 18 documents, no dead letter,
     * the same counts on a second replay.
     */
    private static void replaysAConcatenatedFlowLogFileOfFourFormats(StackSettings settings, PrintStream out, Path home) throws Exception {
        Path file = home.resolve("flows-concatenated.log.gz");
        Files.copy(ROOT.resolve("ops/src/test/resources/e2e/flows-concatenated.log.gz"), file);
        Files.setLastModifiedTime(file, FileTime.from(FLOWS_DELIVERED));
        // the fixtures of the steps before are in 2024's indices, the minute windows in cwl-vpcflow-minute-*
        String indices = "cwl-vpcflow-201*,cwl-vpcflow-2021*,cwl-vpcflow-2023*,cwl-vpcflow-2025*";
        for (int replay = 1; replay <= 2; replay++) {
            Replay.Result flows = new Replay(settings, out).run(Replay.Type.VPCFLOW, List.of(file), Duration.ofMinutes(2));
            assertThat(flows.sent()).as("18 records; the 4 headers and the blank line are none").isEqualTo(18);
            assertThat(flows.indexed()).isEqualTo(18);
            assertThat(flows.deadLetters()).containsExactly(entry("source errors", 0L), entry("dlq.vpcflow", 0L), entry("sink dlq", 0L));
            assertThat(flows.perIndex()).containsExactly(entry("cwl-vpcflow-2014.12.14", 2L), entry("cwl-vpcflow-2015.05.10", 2L),
                    entry("cwl-vpcflow-2015.05.29", 2L), entry("cwl-vpcflow-2016.10.31", 1L), entry("cwl-vpcflow-2021.03.26", 2L),
                    entry("cwl-vpcflow-2023.11.14", 3L), entry("cwl-vpcflow-2025.06.01", 6L));
            assertThat(flows.summary()).startsWith(
                    "Replay complete: 18 records sent, 18 indexed, 0 dead-lettered (source errors 0, dlq.vpcflow 0, sink dlq 0), ");
            List<JsonNode> hits = search(settings, indices);
            assertThat(hits).hasSize(18);
            assertThat(hits).extracting(h -> h.path("_version").asInt()).as("replay " + replay).containsOnly(replay);
        }
        List<JsonNode> nat = search(settings, "cwl-vpcflow-2025.06.01").stream().map(h -> h.path("_source")).toList();
        assertThat(nat).hasSize(6).allSatisfy(d -> {
            assertThat(d.path("@timestamp").asText()).isEqualTo("2025-06-01T12:00:00Z");
            assertThat(d.path("event").path("time_source").asText()).isEqualTo("delivery");
            assertThat(d.has("start")).isFalse();
        });
        assertThat(nat).extracting(d -> d.path("interface_id").asText() + " " + d.path("pkt_srcaddr").asText() + " "
                + d.path("pkt_dstaddr").asText()).containsExactlyInAnyOrder(
                "eni-1235b8ca123456789 10.0.1.5 203.0.113.5", "eni-1235b8ca123456789 10.0.0.220 203.0.113.5",
                "eni-1235b8ca123456789 203.0.113.5 10.0.0.220", "eni-1235b8ca123456789 203.0.113.5 10.0.1.5",
                "eni-1111aaaa2222bbbb3 10.0.1.5 203.0.113.5", "eni-1111aaaa2222bbbb3 203.0.113.5 10.0.1.5");
        // the transit gateway's flow to 192.168.7.9:5432, three packets lost to a blackhole route
        List<JsonNode> tgw = search(settings, "cwl-vpcflow-2023.11.14").stream().map(h -> h.path("_source")).toList();
        assertThat(tgw).extracting(d -> d.path("tgw_attachment_id").asText()).containsExactlyInAnyOrder(
                "tgw-attach-0a1b2c3d4e5f60719", "tgw-attach-0a1b2c3d4e5f60720", "tgw-attach-0a1b2c3d4e5f60719");
        JsonNode blackholed = tgw.get(2); // the two others share their start: this one is last by @timestamp
        assertThat(blackholed.path("@timestamp").asText()).isEqualTo("2023-11-14T22:15:20Z");
        assertThat(blackholed.path("event").path("time_source").asText()).isEqualTo("start");
        assertThat(blackholed.path("resource_type").asText()).isEqualTo("TransitGateway");
        assertThat(blackholed.path("tgw_id").asText()).isEqualTo("tgw-0a1b2c3d4e5f60718");
        assertThat(blackholed.path("tgw_src_eni").asText()).isEqualTo("eni-0a1b2c3d4e5f6071e");
        assertThat(blackholed.has("tgw_dst_eni")).as("'-' in the file").isFalse();
        assertThat(blackholed.path("dstaddr").asText()).isEqualTo("192.168.7.9");
        assertThat(blackholed.path("dstport").asInt()).isEqualTo(5432);
        assertThat(List.of(blackholed.path("packets_lost_no_route").asInt(-1), blackholed.path("packets_lost_blackhole").asInt(-1),
                blackholed.path("packets_lost_mtu_exceeded").asInt(-1), blackholed.path("packets_lost_ttl_expired").asInt(-1)))
                .containsExactly(0, 3, 0, 0);
    }

    /** The seed's example alert: rule level 6 on its instance i-0e427a8594852eca2, from 10.10.10.10. */
    private static final String SEED_ALERT = "{\"rule\":{\"level\":6,\"comment\":\"SSH insecure connection attempt (scan).\","
            + "\"sidid\":5706,\"group\":\"syslog,sshd,recon,\"},\"srcip\":\"10.10.10.10\",\"full_log\":\"Mar  1 10:01:40 "
            + "ip-10-10-10-10 sshd[2154]: Did not receive identification string from 10.10.10.10\",\"TimeStamp\":1709287300000,"
            + "\"location\":\"/var/log/secure\",\"hostname\":\"ip-10-10-10-10\",\"program_name\":\"sshd\",\"decoder\":\"sshd\"}";

    /** A subscription payload of the seed's instance (gzip): the seed's alert, a cut-off alert and an event without id. */
    private static Path cwlAlerts(Path home) throws IOException {
        ObjectNode payload = Http.JSON.createObjectNode();
        payload.put("messageType", "DATA_MESSAGE").put("owner", "123456789012").put("logGroup", "ossec-hids-alerts")
                .put("logStream", "i-0e427a8594852eca2").putArray("subscriptionFilters").add("hids");
        var events = payload.putArray("logEvents");
        events.addObject().put("id", "37110000000000000000000000000000000000000000000000000001").put("timestamp", 1709287300000L)
                .put("message", SEED_ALERT);
        events.addObject().put("id", "37110000000000000000000000000000000000000000000000000002").put("timestamp", 1709287301000L)
                .put("message", "{\"rule\":{\"level\":5,\"comment\":\"Web server 400 error code.\",\"sidid\":31101,\"gro");
        events.addObject().put("timestamp", 1709287302000L).put("message", "an event without id");
        Path file = home.resolve("alerts-cwl.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(Http.JSON.writeValueAsBytes(payload));
        }
        return file;
    }


    private static final String DELIVERY_MINUTES = "cwl-vpcflow-minute-2026.11.24";

    /** "interface|action|dstport|protocol|minute" → {flows, bytes, packets}, recomputed from the v2 lines of a delivery. */
    private static Map<String, long[]> deliveryWindows(Path file) throws IOException {
        Map<String, long[]> sums = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(" ");
            long start = Long.parseLong(f[10]);
            String minute = java.time.Instant.ofEpochSecond(start - Math.floorMod(start, 60)).toString();
            long[] s = sums.computeIfAbsent(f[2] + "|" + f[12] + "|" + f[6] + "|" + f[7] + "|" + minute, k -> new long[3]);
            s[0]++;
            s[1] += Long.parseLong(f[9]);
            s[2] += Long.parseLong(f[8]);
        }
        return sums;
    }

    /** The delivery's minute documents once there are {@code expected} of them (3 minutes at most: the idle close). */
    private static Map<String, long[]> awaitWindows(StackSettings settings, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Map<String, long[]> windows = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                windows = minuteWindows(settings);
            } catch (IOException notYet) {
                windows = Map.of();
            }
            if (windows.size() >= expected) {
                Thread.sleep(3000); // extras, which must not come
                return minuteWindows(settings);
            }
            Thread.sleep(1000);
        }
        return windows;
    }

    private static Map<String, long[]> minuteWindows(StackSettings settings) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("size", 10_000);
        Http.Answer answer = new Http(settings.engineUrl()).send("POST", "/" + DELIVERY_MINUTES + "/_search", body).orThrow("minute _search");
        Map<String, long[]> windows = new java.util.TreeMap<>();
        for (JsonNode hit : answer.body().path("hits").path("hits")) {
            JsonNode d = hit.path("_source");
            windows.put(d.path("interface_id").asText() + "|" + d.path("action").asText() + "|" + d.path("dstport").asText() + "|"
                            + d.path("protocol").asText() + "|" + d.path("@timestamp").asText(),
                    new long[] {d.path("flows").asLong(), d.path("bytes").asLong(), d.path("packets").asLong()});
        }
        return windows;
    }

    /** The minute indices of the fixtures' days (not of the later batch, whose windows the idle close emits too). */
    private static final String FIXTURE_MINUTES = "cwl-vpcflow-minute-2024.03.0*";

    /** The days of the flow fixtures (not of the later batch that closes their minute windows). */
    private static final String FIXTURE_DAYS = "cwl-vpcflow-2024.03.0*";
    private static final int[] LATER_PORTS = {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007};

    /** The interfaces of the flow fixtures: the windows are kept per interface, each on its partition. */
    private static final String[] FIXTURE_INTERFACES = {"eni-0123456789abcdef0", "eni-0fedcba9876543210"};

    /** Flows a week later, from every interface of the fixtures, so that stream time passes their windows on every partition. */
    private static Path laterFlows(Path home) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < LATER_PORTS.length; i++) {
            lines.append("2 111122223333 ").append(FIXTURE_INTERFACES[i % FIXTURE_INTERFACES.length]).append(" 10.0.0.5 10.0.1.7 40000 ")
                    .append(LATER_PORTS[i]).append(" 6 1 60 1710028800 1710028860 ACCEPT OK\n");
        }
        Path file = home.resolve("flows-later.log");
        Files.writeString(file, lines);
        return file;
    }

    /** {flows, bytes, packets} over the fixtures' flow lines, counted from the raw text by field name. */
    private static long[] rawTotals(List<Path> files) throws IOException {
        long[] totals = new long[3];
        for (Path file : files) {
            List<String> lines = new ArrayList<>();
            try (java.io.InputStream in = file.toString().endsWith(".gz")
                    ? new java.util.zip.GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
                lines.addAll(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
            }
            List<String> fields = io.secpipe.formats.vpcflow.FlowLogFormat.isHeader(lines.get(0))
                    ? io.secpipe.formats.vpcflow.FlowLogFormat.tokens(lines.remove(0)) : io.secpipe.formats.vpcflow.FlowLogFormat.DEFAULT_V2;
            for (String line : lines) {
                List<String> values = io.secpipe.formats.vpcflow.FlowLogFormat.tokens(line);
                if (values.size() != fields.size() || values.get(fields.indexOf("bytes")).equals("-")) {
                    continue; // blank, malformed or NODATA: no flow
                }
                totals[0]++;
                totals[1] += Long.parseLong(values.get(fields.indexOf("bytes")));
                totals[2] += Long.parseLong(values.get(fields.indexOf("packets")));
            }
        }
        return totals;
    }

    /**
     * The newest unused-rule report of a group once it lists {@code unusedRules} rules (60 s at most), as
     * "[rule ids] no_traffic=…": reports come every interval, and the first ones may predate the flows.
     */
    private static String awaitReport(StackSettings settings, String groupId, int unusedRules) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        String last = "no report";
        while (System.currentTimeMillis() < deadline) {
            ObjectNode body = Http.JSON.createObjectNode();
            body.put("size", 1);
            body.putArray("sort").addObject().put("@timestamp", "desc");
            com.fasterxml.jackson.databind.node.ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
            filter.addObject().putObject("term").put("group_id", groupId);
            filter.addObject().putObject("term").put("type", "usage_report");
            Http.Answer answer = new Http(settings.engineUrl()).send("POST", "/sg-rule-usage-*/_search", body);
            JsonNode hits = answer.status() == 200 ? answer.body().path("hits").path("hits") : Http.JSON.createArrayNode();
            if (hits.size() == 1) {
                JsonNode report = hits.get(0).path("_source");
                List<String> ids = new ArrayList<>();
                report.path("unused_rules").forEach(r -> ids.add(r.path("rule_id").asText()));
                last = Http.JSON.writeValueAsString(ids) + " no_traffic=" + report.path("no_traffic").asBoolean();
                if (ids.size() == unusedRules) {
                    return last;
                }
            }
            Thread.sleep(1000);
        }
        return last;
    }

    /** A plain v2 file without header, and a gzip file whose header names a custom field order. */
    /** What 'secpipe status' prints, once its {@code counter} line reads {@code value} (the app rewrites them every 5 s). */
    private static String awaitStatus(StackSettings settings, String counter, long value) throws Exception {
        String line = "(?m)^  " + java.util.regex.Pattern.quote(counter) + " +" + value + "$";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            new LocalStack(settings, new PrintStream(printed, true, StandardCharsets.UTF_8)).status();
            String status = printed.toString(StandardCharsets.UTF_8);
            if (java.util.regex.Pattern.compile(line).matcher(status).find() || System.nanoTime() > deadline) {
                assertThat(status).containsPattern(line);
                return status;
            }
            Thread.sleep(1000);
        }
    }

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
