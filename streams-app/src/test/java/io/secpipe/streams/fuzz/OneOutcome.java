package io.secpipe.streams.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SecpipeHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The property every fuzz target of a topology checks: whatever bytes arrive, the topology neither throws nor drops
 * them silently. Each input yields its normal output, or exactly one dead letter that carries the unchanged raw
 * bytes and a non-empty error class and message; where a topology filters on purpose (CloudTrail calls a pattern
 * does not match) it may yield nothing, which the caller allows.
 */
final class OneOutcome {

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> input;
    private final TestOutputTopic<String, byte[]> output;
    private final TestOutputTopic<String, byte[]> deadLetters;

    OneOutcome(StreamsBuilder builder, String inputTopic, String outputTopic, String deadLetterTopic) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fuzz-" + inputTopic);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "fuzz:9092");
        // a state directory of its own: the regression run holds several drivers in one JVM
        props.put(StreamsConfig.STATE_DIR_CONFIG, temporaryDirectory().toString());
        driver = new TopologyTestDriver(builder.build(), props);
        input = driver.createInputTopic(inputTopic, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        output = driver.createOutputTopic(outputTopic, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        deadLetters = driver.createOutputTopic(deadLetterTopic, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("secpipe-fuzz-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pipes {@code raw} (with {@code headers}) and returns whether it was dead-lettered; fails on any other outcome. */
    boolean pipe(byte[] raw, RecordHeaders headers, boolean mayYieldNothing) {
        input.pipeInput(new TestRecord<>("fuzz-key", raw, headers, 1_700_000_000_000L));
        List<TestRecord<String, byte[]>> out = output.readRecordsToList();
        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(out.size() + dead.size()).as("outputs and dead letters of one input").isLessThanOrEqualTo(1);
        if (!mayYieldNothing) {
            assertThat(out.size() + dead.size()).as("an input is never dropped silently").isEqualTo(1);
        }
        if (dead.isEmpty()) {
            return false;
        }
        TestRecord<String, byte[]> letter = dead.get(0);
        assertThat(letter.value()).as("the dead letter keeps the raw bytes").isEqualTo(raw);
        assertThat(text(letter, SecpipeHeaders.ERROR_CLASS)).as("error class").isNotBlank();
        assertThat(text(letter, SecpipeHeaders.ERROR_MESSAGE)).as("error message").isNotBlank();
        return true;
    }

    private static String text(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
