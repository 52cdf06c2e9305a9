package io.secpipe.formats.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SourcePosition;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FlowLogFormatTest {

    @Test
    void recognisesHeaderLinesButNotDataLines() {
        assertThat(FlowLogFormat.isHeader(FlowLogFormat.DEFAULT_V2_STRING)).isTrue();
        assertThat(FlowLogFormat.isHeader("interface-id flow-direction srcaddr dstaddr pkt-srcaddr")).isTrue();
        assertThat(FlowLogFormat.isHeader(
                "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"))
                .isFalse();
        // every token looks like a name, but one is not a field name
        assertThat(FlowLogFormat.isHeader("eni-1235b8ca123456789 ingress")).isFalse();
        assertThat(FlowLogFormat.isHeader("   ")).isFalse();
        // a transit gateway's default format, and the v7/v8 fields
        assertThat(FlowLogFormat.isHeader(String.join(" ", FlowLogFormat.DEFAULT_TGW))).isTrue();
        assertThat(FlowLogFormat.DEFAULT_TGW).hasSize(36);
        assertThat(FlowLogFormat.isHeader("ecs-cluster-arn ecs-task-id reject-reason resource-type tgw-pair-attachment-id")).isTrue();
        // no field name holds a digit
        assertThat(FlowLogFormat.KNOWN_FIELDS).noneMatch(f -> f.chars().anyMatch(Character::isDigit));
    }

    @Test
    void tokensSplitOnRunsOfSpaces() {
        assertThat(FlowLogFormat.tokens("  a  b c ")).containsExactly("a", "b", "c");
        // only spaces separate; other whitespace counts only at the ends (as strip().split(" +") did)
        assertThat(FlowLogFormat.tokens("\ta\tb  c\r\n")).containsExactly("a\tb", "c");
        assertThat(FlowLogFormat.tokens(" \t ")).isEmpty();
        assertThat(FlowLogFormat.tokens("x")).containsExactly("x");
    }

    @Test
    void documentIdIsStableAndDependsOnLine() {
        SourcePosition line1 = SourcePosition.ofFileLine(Path.of("/data/x.log"), 1);
        assertThat(line1.uri()).isEqualTo("file:/data/x.log#1");
        assertThat(line1.documentId()).hasSize(32).isEqualTo(SourcePosition.ofFileLine(Path.of("/data/./x.log"), 1).documentId());
        assertThat(line1.documentId()).isNotEqualTo(SourcePosition.ofFileLine(Path.of("/data/x.log"), 2).documentId());
    }
}
