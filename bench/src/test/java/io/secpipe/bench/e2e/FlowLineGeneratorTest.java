package io.secpipe.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.framing.Framings;
import io.secpipe.streams.vpcflow.FlowLogParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowLineGeneratorTest {

    private static final List<String> FIELDS = Framings.parseFormat(FlowLineGenerator.FORMAT);
    private static final long NOW = 1_796_000_000L;

    private static List<String> lines(long seed, int n) {
        FlowLineGenerator generator = new FlowLineGenerator(seed, "000000000042", 300);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(generator.next(NOW + i / 100));
        }
        return lines;
    }

    @Test
    void theSameSeedAndClockGiveTheSameLines() {
        assertThat(lines(7, 2000)).isEqualTo(lines(7, 2000));
        assertThat(lines(7, 2000)).isNotEqualTo(lines(8, 2000));
    }

    @Test
    void everyLineIsAValidRecordOfTheRunsAccountAndInterfaces() throws Exception {
        FlowLineGenerator generator = new FlowLineGenerator(7, "000000000042", 300);
        Set<String> known = new HashSet<>();
        generator.interfaces().forEach(i -> known.add(i.id()));
        assertThat(known).hasSize(300).allMatch(id -> id.matches("eni-0e2e[0-9a-f]{13}"));

        Set<String> seen = new HashSet<>();
        Set<String> actions = new HashSet<>();
        int publicSources = 0;
        int privateSources = 0;
        for (int i = 0; i < 5000; i++) {
            ObjectNode doc = FlowLogParser.parse(generator.next(NOW), FIELDS);
            assertThat(doc.path("account_id").asText()).isEqualTo("000000000042");
            assertThat(doc.path("log_status").asText()).isEqualTo("OK");
            assertThat(known).contains(doc.path("interface_id").asText());
            long start = doc.path("start").asLong();
            long end = doc.path("end").asLong();
            assertThat(start).isLessThan(end);
            assertThat(end).isBetween(NOW - 59, NOW);
            seen.add(doc.path("interface_id").asText());
            actions.add(doc.path("action").asText());
            if (doc.path("srcaddr").asText().startsWith("10.")) {
                privateSources++;
            } else {
                publicSources++;
            }
        }
        assertThat(seen).hasSize(300);
        assertThat(actions).containsExactlyInAnyOrder("ACCEPT", "REJECT");
        // 60% of the flows come from the internet, the rest from inside the VPC
        assertThat(publicSources).isBetween(2700, 3300);
        assertThat(privateSources).isBetween(1700, 2300);
    }
}
