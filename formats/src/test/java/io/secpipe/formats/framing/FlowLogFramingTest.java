package io.secpipe.formats.framing;

import static io.secpipe.formats.framing.Fixtures.frames;
import static io.secpipe.formats.framing.Fixtures.gzip;
import static io.secpipe.formats.framing.Fixtures.positions;
import static io.secpipe.formats.framing.Fixtures.text;
import static io.secpipe.formats.framing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowLogFramingTest {

    private static final FlowLogFraming V2 = new FlowLogFraming(FlowLogFormat.DEFAULT_V2);
    private static final String V2_LINE = "2 123456789012 eni-0a1 10.0.0.5 10.0.1.7 443 50211 6 10 8400 1793000000 1793000060 ACCEPT OK";

    @Test
    void linesWithoutHeaderUseTheDefaultFormatAndKeyByInterface() throws IOException {
        List<Frame> frames = frames(V2, utf8(V2_LINE + "\n\n2 123456789012 eni-0b2 - - - - - - - 1793000000 1793000060 - NODATA\r\nshort line\n"));
        assertThat(positions(frames)).containsExactly(1L, 3L, 4L);
        assertThat(text(frames.get(0).value())).isEqualTo(V2_LINE);
        assertThat(frames.get(0).key()).isEqualTo("eni-0a1");
        assertThat(frames.get(0).headers()).containsEntry(SecpipeHeaders.FORMAT, FlowLogFormat.DEFAULT_V2_STRING);
        assertThat(text(frames.get(1).value())).as("CR of a CRLF dropped").endsWith("NODATA");
        assertThat(frames.get(2).key()).as("a line of the wrong width has no key").isNull();
        assertThat(frames).noneMatch(Frame::isError); // parsing is the Streams app's job: the line goes on untouched
    }

    @Test
    void aHeaderLineSetsTheFieldListAndIsNoRecordEvenWhenResuming() throws IOException {
        byte[] gz = gzip(utf8("interface-id srcaddr action\neni-1 10.0.0.1 ACCEPT\neni-2 10.0.0.2 REJECT\neni-3 10.0.0.3 ACCEPT"));
        List<Frame> all = frames(V2, gz);
        assertThat(positions(all)).containsExactly(2L, 3L, 4L);
        assertThat(all.get(2).key()).isEqualTo("eni-3");
        assertThat(all.get(0).headers()).containsEntry(SecpipeHeaders.FORMAT, "interface-id srcaddr action");

        List<Frame> resumed = frames(V2, gz, 2);
        assertThat(positions(resumed)).containsExactly(3L, 4L);
        assertThat(resumed.get(0).headers()).as("header still read when skipped past").containsEntry(SecpipeHeaders.FORMAT, "interface-id srcaddr action");
    }

    @Test
    void aHeaderOnAnyLineSwitchesTheFormatForTheLinesAfterItAndIsNoRecord() throws IOException {
        String text = V2_LINE + "\n"
                + "interface-id srcaddr action\n"      // line 2: a second block, as in concatenated files
                + "eni-1 10.0.0.1 ACCEPT\n"
                + "\n"
                + "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr\n" // line 5, after a blank line
                + "- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5\n";
        List<Frame> frames = frames(V2, utf8(text));
        assertThat(positions(frames)).containsExactly(1L, 3L, 6L);
        assertThat(frames).extracting(f -> f.headers().get(SecpipeHeaders.FORMAT)).containsExactly(FlowLogFormat.DEFAULT_V2_STRING,
                "interface-id srcaddr action", "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr");
        assertThat(frames).extracting(Frame::key).containsExactly("eni-0a1", "eni-1", "eni-1235b8ca123456789");

        List<Frame> resumed = frames(V2, gzip(utf8(text)), 5);
        assertThat(positions(resumed)).containsExactly(6L);
        assertThat(resumed.get(0).headers()).as("the last header before the resume point still counts")
                .containsEntry(SecpipeHeaders.FORMAT, "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr");
    }

    @Test
    void aTransitGatewayFlowIsKeyedByItsAttachmentElseItsGateway() throws IOException {
        String tgw = String.join(" ", FlowLogFormat.DEFAULT_TGW);
        String line = "6 TransitGateway 123456789010 tgw-1 tgw-attach-1 - - - - - - - - - - - 10.0.0.1 10.0.0.2 1 2 6 1 1 "
                + "1700000000 1700000060 OK IPv4 0 0 0 0 0 us-east-1 ingress - -";
        List<Frame> frames = frames(V2, utf8(tgw + "\n" + line + "\n" + line.replace("tgw-attach-1", "-")
                + "\nversion srcaddr\n6 10.0.0.1\n"));
        assertThat(frames).extracting(Frame::key).containsExactly("tgw-attach-1", "tgw-1", null);
        assertThat(frames.get(0).headers()).containsEntry(SecpipeHeaders.FORMAT, tgw);
    }

    @Test
    void aTruncatedGzipBreaksTheStreamWithAnIOException() {
        byte[] gz = gzip(utf8((V2_LINE + "\n").repeat(2000)));
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        assertThatThrownBy(() -> frames(V2, truncated)).isInstanceOf(IOException.class);
    }
}
