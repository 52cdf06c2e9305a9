package io.secpipe.ops.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {

    private static Map<String, Long> stages(long source, long streams, long sink, String streamsTopic) {
        Map<String, Long> stages = new LinkedHashMap<>();
        stages.put("source errors", source);
        stages.put(streamsTopic, streams);
        stages.put("sink dlq", sink);
        return stages;
    }

    @Test
    void aCloudTrailReplayAccountsForEveryRecordSent() {
        Replay.Result result = new Replay.Result(24, 20, 4, stages(0, 0, 0, "dlq.cloudtrail"),
                Map.of("cloudtrail-ec2-2026.11.02", 20L), Duration.ofMillis(3140), "indexed", "cloudtrail pattern");
        assertThat(result.deadLettered()).isZero();
        assertThat(result.missing()).isZero();
        assertThat(result.complete()).isTrue();
        assertThat(result.summary()).isEqualTo("Replay complete: 24 records sent, 20 indexed, 4 unmatched (cloudtrail pattern), "
                + "0 dead-lettered (source errors 0, dlq.cloudtrail 0, sink dlq 0), 3.1 s");
    }

    @Test
    void deadLettersAddUpOverTheStagesAndEachStageIsNamed() {
        Replay.Result result = new Replay.Result(14, 3, 1, stages(1, 9, 1, "dlq.cloudtrail"), Map.of(), Duration.ofSeconds(2),
                "indexed", "cloudtrail pattern");
        assertThat(result.deadLettered()).isEqualTo(11);
        assertThat(result.missing()).isEqualTo(-1);
        assertThat(result.complete()).isFalse();
        assertThat(result.summary()).isEqualTo("Replay counts exceed what was sent: 14 records sent, 3 indexed, 1 unmatched (cloudtrail pattern), "
                + "11 dead-lettered (source errors 1, dlq.cloudtrail 9, sink dlq 1), 2.0 s; 1 more than sent (other data of this kind "
                + "flowed during the replay)");
    }

    @Test
    void withoutAPatternThereIsNoUnmatchedAndATimeoutSaysWhatIsMissing() {
        Replay.Result flows = new Replay.Result(3002, 3001, 0, stages(0, 1, 0, "dlq.vpcflow"), Map.of(), Duration.ofMillis(7949),
                "indexed", null);
        assertThat(flows.complete()).isTrue();
        assertThat(flows.summary()).isEqualTo("Replay complete: 3002 records sent, 3001 indexed, "
                + "1 dead-lettered (source errors 0, dlq.vpcflow 1, sink dlq 0), 7.9 s");

        Replay.Result late = new Replay.Result(3002, 2990, 0, stages(0, 1, 0, "dlq.vpcflow"), Map.of(), Duration.ofSeconds(300),
                "indexed", null);
        assertThat(late.missing()).isEqualTo(11);
        assertThat(late.summary()).endsWith(", 300.0 s; 11 not accounted for (neither indexed nor dead-lettered)");

        Map<String, Long> source = new LinkedHashMap<>();
        source.put("source errors", 1L);
        Replay.Result users = new Replay.Result(181, 180, 0, source, Map.of("ref.users", 180L), Duration.ofMillis(1200), "in ref.users", null);
        assertThat(users.summary()).isEqualTo("Replay complete: 181 records sent, 180 in ref.users, 1 dead-lettered (source errors 1), 1.2 s");
    }

    @Test
    void theStageOfADeadLetterIsReadFromItsHeaders() {
        RecordHeaders source = new RecordHeaders();
        source.add(SecpipeHeaders.SOURCE, utf8("file:/tmp/a.json#3"));
        source.add(SecpipeHeaders.ERROR_STAGE, utf8("file-source"));
        assertThat(Replay.stageOf(source)).isEqualTo(Replay.Stage.SOURCE);

        RecordHeaders streams = new RecordHeaders();
        streams.add(SecpipeHeaders.ID, utf8("e-1"));
        streams.add(SecpipeHeaders.ERROR_STAGE, utf8("cloudtrail-match"));
        assertThat(Replay.stageOf(streams)).isEqualTo(Replay.Stage.STREAMS);

        // Connect's DLQ reporter (errors.deadletterqueue.context.headers.enable) on a record the engine rejected
        RecordHeaders sink = new RecordHeaders();
        sink.add(SecpipeHeaders.ID, utf8("e-2"));
        sink.add("__connect.errors.topic", utf8("cloudtrail.ec2"));
        sink.add("__connect.errors.stage", utf8("TASK_PUT"));
        assertThat(Replay.stageOf(sink)).isEqualTo(Replay.Stage.SINK);

        assertThat(Replay.stageLabel(Replay.Stage.STREAMS, Replay.Type.OSSEC_CWL)).isEqualTo("dlq.ossec");
        assertThat(Replay.stageLabel(Replay.Stage.SINK, Replay.Type.VPCFLOW)).isEqualTo("sink dlq");
    }

    @Test
    void unmatchedIsTheRiseOfTheStreamsCounterSinceTheReplayBegan(@TempDir Path run) throws Exception {
        Path file = run.resolve("streams.metrics");
        Replay.StageCounter none = new Replay.StageCounter(file, "cloudtrail-match.unmatched-total");
        assertThat(none.sinceStart()).as("no file yet").isZero();

        Files.writeString(file, "# secpipe-streams stage counters\ncloudtrail-match.unmatched-total=7\ncloudtrail-match.dead-letter-total=2\n");
        Replay.StageCounter counter = new Replay.StageCounter(file, "cloudtrail-match.unmatched-total");
        assertThat(counter.sinceStart()).isZero();
        Files.writeString(file, "cloudtrail-match.unmatched-total=11\n");
        assertThat(counter.sinceStart()).isEqualTo(4);
        // the app restarted: its counters began again from 0
        Files.writeString(file, "cloudtrail-match.unmatched-total=3\n");
        assertThat(counter.sinceStart()).isEqualTo(3);
    }

    @Test
    void typesByTheirCommandLineNames() {
        assertThat(Replay.Type.of("ossec-cwl")).isEqualTo(Replay.Type.OSSEC_CWL);
        assertThat(Replay.Type.OSSEC_CWL.id()).isEqualTo("ossec-cwl");
        assertThat(Replay.Type.CLOUDTRAIL.indexPattern).isEqualTo("cloudtrail-ec2-*");
    }

    private static final Path ROOT = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();

    /**
     * samples/ossec framed as the ossec-cwl replay's connector frames it: 60 alerts per instance, each with the log
     * group, its instance's stream, the owner and a delivery time, plus the cut-off line; as expected.properties says.
     */
    @Test
    void theHidsSampleIsTwoInstancesAlertsInSubscriptionPayloads() throws Exception {
        var config = Http.JSON.readTree(ROOT.resolve("connector-configs/local/replay/ossec-cwl-file-source.json").toFile());
        java.util.Properties expected = new java.util.Properties();
        try (var reader = Files.newBufferedReader(ROOT.resolve("samples/ossec/expected.properties"))) {
            expected.load(reader);
        }
        Path sample = ROOT.resolve("samples/ossec/alerts-cwl.json.gz");
        Map<String, Long> perStream = new java.util.TreeMap<>();
        long alerts = 0;
        long notAlerts = 0;
        try (var reader = Replay.framing(config).open(io.secpipe.formats.Decompression.open(Files.newInputStream(sample)))) {
            for (var frame = reader.next(0); frame != null; frame = reader.next(frame.position())) {
                assertThat(frame.isError()).isFalse();
                assertThat(frame.headers()).containsEntry(SecpipeHeaders.LOG_GROUP, expected.getProperty("log_group"))
                        .containsEntry(SecpipeHeaders.LOG_OWNER, expected.getProperty("owner"))
                        .containsKey(SecpipeHeaders.DELIVERY_TIME);
                try {
                    Http.JSON.readTree(frame.value());
                    alerts++;
                    perStream.merge(frame.headers().get(SecpipeHeaders.LOG_STREAM), 1L, Long::sum);
                } catch (com.fasterxml.jackson.core.JsonProcessingException cutOff) {
                    notAlerts++;
                }
            }
        }
        assertThat(perStream).containsExactly(Map.entry("i-0c71a2b3c4d5e6f70", 60L), Map.entry("i-0e427a8594852eca2", 60L));
        assertThat(alerts).isEqualTo(Long.parseLong(expected.getProperty("index.cwl-ossec-2026.11.05")));
        assertThat(notAlerts).isEqualTo(Long.parseLong(expected.getProperty("dead_letters.dlq.ossec")));
        assertThat(Replay.expectedPositions(Replay.framing(config), List.of(sample))).hasSize(121);
    }

    /** Parquet flow logs replay through the file source's Parquet framing into the flow-log indices and stages. */
    @Test
    void parquetFlowLogsReplayLikeTextOnes() throws Exception {
        Replay.Type type = Replay.Type.of("vpcflow-parquet");
        var config = Http.JSON.readTree(ROOT.resolve("connector-configs/local/replay/" + type.connectorConfig).toFile());
        assertThat(Replay.framing(config)).isInstanceOf(io.secpipe.formats.framing.ParquetFlowLogFraming.class);
        assertThat(config.path("topic").asText()).isEqualTo("raw.vpcflow");
        assertThat(type.indexPattern).isEqualTo(Replay.Type.VPCFLOW.indexPattern);
        assertThat(type.streamsDeadLetters).isEqualTo("dlq.vpcflow");
    }

    /** The seed's positional users CSV: with csv.columns set, replay frames every row as data, as the connector does. */
    @Test
    void aHeaderlessCsvIsFramedByItsConfiguredColumns(@TempDir Path dir) throws Exception {
        Path users = Files.writeString(dir.resolve("users.csv"), "101,female,1\n102,male,2\n103,female,3\n");
        var config = Http.JSON.readTree("{\"framing\":\"csv\",\"csv.key.column\":\"user_id\","
                + "\"csv.columns\":\"user_id, gender, segment_id\"}");
        List<String> keys = new java.util.ArrayList<>();
        List<String> values = new java.util.ArrayList<>();
        try (var reader = Replay.framing(config).open(Files.newInputStream(users))) {
            for (var frame = reader.next(0); frame != null; frame = reader.next(frame.position())) {
                keys.add(frame.key());
                values.add(new String(frame.value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(keys).containsExactly("101", "102", "103");
        assertThat(values.get(0)).isEqualTo("{\"user_id\":\"101\",\"gender\":\"female\",\"segment_id\":\"1\"}");
        assertThat(Replay.expectedPositions(Replay.framing(config), List.of(users))).hasSize(3);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
