package io.secpipe.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The counters 'secpipe status' shows: late and dead-lettered records per stage, summed over tasks. */
class StageMetricsFileTest {

    private static final long T0 = 1_793_527_200L; // 2026-11-01T10:00:00Z

    @Test
    void countsLateAndDeadLetteredFlowsPerStage(@TempDir Path dir) throws Exception {
        Properties props = SecpipeStreamsApp.settings(null, Map.of("SECPIPE_STREAMS_APPLICATION_ID", "metrics-file-test"));
        try (TopologyTestDriver driver = new TopologyTestDriver(SecpipeStreamsApp.topology(props), props)) {
            TestInputTopic<String, byte[]> raw = driver.createInputTopic("raw.vpcflow",
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());
            // the driver runs every sub-topology in one task, whose stream time the raw records' timestamps move
            // too: they carry the event times here, as a source that stamps event time would
            raw.pipeInput("eni-1", flow(T0), Instant.ofEpochSecond(T0));
            raw.pipeInput("eni-1", flow(T0 + 1800), Instant.ofEpochSecond(T0 + 1800)); // 10:30: eni-1's 10:00 window closed
            raw.pipeInput("eni-1", flow(T0 + 10), Instant.ofEpochSecond(T0 + 1800));   // late (horizon 20 min)
            raw.pipeInput("eni-1", flow(T0 + 20), Instant.ofEpochSecond(T0 + 1800));   // late
            raw.pipeInput("eni-1", "not a flow".getBytes(StandardCharsets.UTF_8), Instant.ofEpochSecond(T0 + 1800));

            Path file = dir.resolve("streams.metrics");
            StageMetricsFile.write(file, driver.metrics());
            assertThat(Files.readAllLines(file)).filteredOn(line -> !line.startsWith("#"))
                    .contains("vpcflow-minute.late-record-total=2", "vpcflow-parse.dead-letter-total=1")
                    .allMatch(line -> line.matches("[a-z0-9-]+\\.[a-z-]+-total=\\d+"));
        }
    }

    private static byte[] flow(long start) {
        return ("2 123456789012 eni-1 10.0.0.1 10.0.0.2 1024 443 6 1 40 " + start + " " + (start + 5) + " ACCEPT OK")
                .getBytes(StandardCharsets.UTF_8);
    }
}
