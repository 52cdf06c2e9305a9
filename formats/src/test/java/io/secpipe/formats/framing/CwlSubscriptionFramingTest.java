package io.secpipe.formats.framing;

import static io.secpipe.formats.framing.Fixtures.concat;
import static io.secpipe.formats.framing.Fixtures.frames;
import static io.secpipe.formats.framing.Fixtures.gzip;
import static io.secpipe.formats.framing.Fixtures.positions;
import static io.secpipe.formats.framing.Fixtures.text;
import static io.secpipe.formats.framing.Fixtures.utf8;
import static io.secpipe.formats.framing.Fixtures.zlib;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secpipe.formats.SecpipeHeaders;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CwlSubscriptionFramingTest {

    private static final CwlSubscriptionFraming CWL = new CwlSubscriptionFraming();

    static String data(String stream, String... idAndMessage) {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < idAndMessage.length; i += 2) {
            events.append(i == 0 ? "" : ",").append("{\"id\":\"").append(idAndMessage[i]).append("\",\"timestamp\":")
                    .append(1793000000000L + i).append(",\"message\":\"").append(idAndMessage[i + 1]).append("\"}");
        }
        return "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"111122223333\",\"logGroup\":\"/vpc/flow\",\"logStream\":\"" + stream
                + "\",\"subscriptionFilters\":[\"to-firehose\"],\"logEvents\":[" + events + "]}";
    }

    static final String CONTROL = "{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\",\"logStream\":\"\","
            + "\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":1793000000000,\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Firehose.\"}]}";

    /** Firehose's S3 object: each payload gzipped on its own, the members back to back. */
    static byte[] firehoseObject() {
        return concat(
                gzip(utf8(CONTROL)),
                gzip(utf8(data("eni-0a1-all", "3690001", "2 111122223333 eni-0a1 10.0.0.5 10.0.1.7 443 50211 6 10 840 1793000000 1793000060 ACCEPT OK",
                        "3690002", "2 111122223333 eni-0a1 10.0.0.5 10.0.1.8 443 50212 6 1 40 1793000000 1793000060 REJECT OK"))),
                gzip(utf8(data("eni-0b2-all", "3690003", "2 111122223333 eni-0b2 - - - - - - - 1793000000 1793000060 - NODATA"))));
    }

    @Test
    void dataMessagesAreExpandedToTheirEventsAndControlMessagesSkipped() throws IOException {
        List<Frame> frames = frames(CWL, firehoseObject());
        assertThat(positions(frames)).containsExactly(1L, 2L, 3L);
        assertThat(frames.stream().map(Frame::key)).containsExactly("eni-0a1-all", "eni-0a1-all", "eni-0b2-all");
        assertThat(frames.stream().map(f -> f.headers().get(SecpipeHeaders.ID))).containsExactly("3690001", "3690002", "3690003");
        Frame first = frames.get(0);
        assertThat(text(first.value())).isEqualTo("2 111122223333 eni-0a1 10.0.0.5 10.0.1.7 443 50211 6 10 840 1793000000 1793000060 ACCEPT OK");
        assertThat(first.headers()).containsEntry(SecpipeHeaders.LOG_GROUP, "/vpc/flow")
                .containsEntry(SecpipeHeaders.LOG_STREAM, "eni-0a1-all")
                .containsEntry(SecpipeHeaders.LOG_OWNER, "111122223333")
                .containsEntry(SecpipeHeaders.DELIVERY_TIME, "2026-10-26T07:33:20Z");
        assertThat(frames.get(1).headers()).containsEntry(SecpipeHeaders.DELIVERY_TIME, "2026-10-26T07:33:20.002Z");
        assertThat(frames.get(2).headers()).containsEntry(SecpipeHeaders.LOG_STREAM, "eni-0b2-all");
    }

    /**
     * The seed's HIDS path (OSSEC alerts.json through the CloudWatch Logs agent, one stream per instance): the
     * payload's group, stream and owner travel with each alert; an event whose timestamp is not a time, or a
     * payload without owner, still makes a record, without that header.
     */
    @Test
    void hidsAlertsCarryGroupStreamOwnerAndDeliveryTime() throws IOException {
        String payload = "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"ossec-hids\","
                + "\"logStream\":\"i-0e427a8594852eca2\",\"subscriptionFilters\":[\"hids-to-es\"],\"logEvents\":["
                + "{\"id\":\"1\",\"timestamp\":1510867200000,\"message\":\"{\\\"rule\\\":{}}\"},"
                + "{\"id\":\"2\",\"timestamp\":\"not a time\",\"message\":\"b\"}]}"
                + "{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"ossec-hids\",\"logStream\":\"i-0b5c6d7e8f9012345\","
                + "\"logEvents\":[{\"id\":\"3\",\"timestamp\":1510867201234,\"message\":\"c\"}]}";
        List<Frame> frames = frames(CWL, gzip(utf8(payload)));
        assertThat(frames).hasSize(3);
        assertThat(text(frames.get(0).value())).isEqualTo("{\"rule\":{}}");
        assertThat(frames.get(0).headers()).containsOnly(
                java.util.Map.entry(SecpipeHeaders.ID, "1"),
                java.util.Map.entry(SecpipeHeaders.LOG_GROUP, "ossec-hids"),
                java.util.Map.entry(SecpipeHeaders.LOG_STREAM, "i-0e427a8594852eca2"),
                java.util.Map.entry(SecpipeHeaders.LOG_OWNER, "123456789012"),
                java.util.Map.entry(SecpipeHeaders.DELIVERY_TIME, "2017-11-16T21:20:00Z"));
        assertThat(frames.get(1).headers()).doesNotContainKey(SecpipeHeaders.DELIVERY_TIME)
                .containsEntry(SecpipeHeaders.LOG_STREAM, "i-0e427a8594852eca2");
        assertThat(frames.get(2).headers()).doesNotContainKey(SecpipeHeaders.LOG_OWNER)
                .containsEntry(SecpipeHeaders.LOG_STREAM, "i-0b5c6d7e8f9012345")
                .containsEntry(SecpipeHeaders.DELIVERY_TIME, "2017-11-16T21:20:01.234Z");
    }

    @Test
    void plainConcatenatedPayloadsAndZlib() throws IOException {
        byte[] plain = utf8(data("s1", "1", "a") + data("s2", "2", "b") + "\n" + CONTROL + "\n" + data("s3", "3", "c", "4", "d"));
        assertThat(frames(CWL, plain).stream().map(f -> text(f.value()))).containsExactly("a", "b", "c", "d");
        assertThat(frames(CWL, zlib(plain)).stream().map(f -> text(f.value()))).containsExactly("a", "b", "c", "d");
    }

    @Test
    void resumesAfterAnEventOrdinalAcrossPayloads() throws IOException {
        List<Frame> frames = frames(CWL, firehoseObject(), 2);
        assertThat(positions(frames)).containsExactly(3L);
        assertThat(frames.get(0).headers()).containsEntry(SecpipeHeaders.ID, "3690003");
    }

    @Test
    void aPayloadOfAnotherShapeIsAnErrorFrameAndInvalidJsonEndsTheInput() throws IOException {
        byte[] input = utf8(data("s1", "1", "a") + "{\"messageType\":\"SOMETHING_ELSE\"}" + data("s2", "2", "b")
                + "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"id\":\"9\",\"timestamp\":1,\"message\":\"x\"" + "{\"never\":1}");
        List<Frame> frames = frames(CWL, input);
        assertThat(positions(frames)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(frames.get(1).error()).contains("SOMETHING_ELSE");
        assertThat(text(frames.get(2).value())).isEqualTo("b");
        Frame broken = frames.get(3);
        assertThat(broken.isError()).isTrue();
        assertThat(text(broken.value())).startsWith("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\"");
        assertThat(broken.errorClass()).startsWith("com.fasterxml.jackson");
    }

    @Test
    void aTruncatedGzipMemberIsAnIOException() {
        byte[] object = firehoseObject();
        byte[] truncated = Arrays.copyOf(object, object.length - 20);
        assertThatThrownBy(() -> frames(CWL, truncated)).isInstanceOf(IOException.class);
    }
}
