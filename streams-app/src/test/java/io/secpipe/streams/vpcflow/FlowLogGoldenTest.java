package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every block of src/test/resources/vpcflow/golden.txt parses to exactly its expected document. */
class FlowLogGoldenTest {

    @Test
    void everyDocumentedVersionAndGatewayExampleParsesExactly() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/vpcflow/golden.txt"));
        String format = null;
        String line = null;
        List<String> checked = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("format: ")) {
                format = l.substring(8);
            } else if (l.startsWith("line: ")) {
                line = l.substring(6);
            } else if (l.startsWith("expect: ")) {
                assertThat(FlowLogParser.parse(line, FlowLogFormat.tokens(format)).toString()).as(format).isEqualTo(l.substring(8));
                checked.add(format);
            }
        }
        assertThat(checked).hasSize(7);
    }

    @Test
    void rejectsUnknownFieldsAndValuesOutsideTheDocumentedSets() {
        assertThatThrownBy(() -> FlowLogParser.parse("eni-1 10 x", FlowLogFormat.tokens("interface-id start color")))
                .hasMessage("unknown field 'color' in the format (fields of versions 2 to 8 only)");
        assertThatThrownBy(() -> FlowLogParser.parse("eni-1 10 ALLOW", FlowLogFormat.tokens("interface-id start action")))
                .hasMessage("field 'action' is not one of [ACCEPT, REJECT]: 'ALLOW'");
        assertThatThrownBy(() -> FlowLogParser.parse("eni-1 10 in", FlowLogFormat.tokens("interface-id start flow-direction")))
                .hasMessage("field 'flow-direction' is not one of [egress, ingress]: 'in'");
    }
}
