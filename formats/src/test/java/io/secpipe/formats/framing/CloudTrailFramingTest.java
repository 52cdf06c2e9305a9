package io.secpipe.formats.framing;

import static io.secpipe.formats.framing.Fixtures.frames;
import static io.secpipe.formats.framing.Fixtures.gzip;
import static io.secpipe.formats.framing.Fixtures.positions;
import static io.secpipe.formats.framing.Fixtures.resource;
import static io.secpipe.formats.framing.Fixtures.text;
import static io.secpipe.formats.framing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secpipe.formats.SecpipeHeaders;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudTrailFramingTest {

    private static final CloudTrailFraming CLOUDTRAIL = new CloudTrailFraming();

    @Test
    void eachRecordIsOneCompactRecordKeyedByEventId() throws IOException {
        List<Frame> frames = frames(CLOUDTRAIL, gzip(resource("cloudtrail.json")));
        assertThat(positions(frames)).containsExactly(1L, 2L, 3L, 4L);
        Frame first = frames.get(0);
        assertThat(first.key()).isEqualTo("11111111-aaaa-4bbb-8ccc-000000000001");
        assertThat(first.headers()).containsEntry(SecpipeHeaders.ID, "11111111-aaaa-4bbb-8ccc-000000000001");
        assertThat(text(first.value())).startsWith("{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\"")
                .doesNotContain("\n").doesNotContain(": ")
                .as("numbers as written").contains("\"costHint\":1.10").contains("\"fromPort\":22");
        assertThat(text(frames.get(1).value())).contains("\"requestParameters\":null");
        Frame notAnObject = frames.get(2);
        assertThat(notAnObject.isError()).isTrue();
        assertThat(text(notAnObject.value())).startsWith("\"not-an-event\"");
        assertThat(frames.get(3).key()).isEqualTo("11111111-aaaa-4bbb-8ccc-000000000004");
    }

    @Test
    void aRecordWithoutEventIdIsKeyedByTheHashOfItsCanonicalJson() throws IOException {
        // AWS's StopInstances example of eventVersion 1.0 (no eventID); the expected id was computed apart from this
        // code: SHA-256 of the record as JSON with sorted keys and no whitespace (Python's json.dumps, sort_keys)
        String stop = "{\"eventVersion\": \"1.0\", \"userIdentity\": {\"type\": \"IAMUser\", \"principalId\": \"EX_PRINCIPAL_ID\","
                + " \"arn\": \"arn:aws:iam::123456789012:user/Alice\", \"accountId\": \"123456789012\", \"accessKeyId\": \"EXAMPLE_KEY_ID\","
                + " \"userName\": \"Alice\"}, \"eventTime\": \"2014-03-06T21:01:59Z\", \"eventSource\": \"ec2.amazonaws.com\","
                + " \"eventName\": \"StopInstances\", \"awsRegion\": \"us-east-2\", \"sourceIPAddress\": \"205.251.233.176\","
                + " \"userAgent\": \"ec2-api-tools 1.6.12.2\", \"requestParameters\": {\"instancesSet\": {\"items\": [{\"instanceId\":"
                + " \"i-ebeaf9e2\"}]}, \"force\": false}, \"responseElements\": {\"instancesSet\": {\"items\": [{\"instanceId\":"
                + " \"i-ebeaf9e2\", \"currentState\": {\"code\": 64, \"name\": \"stopping\"}, \"previousState\": {\"code\": 16,"
                + " \"name\": \"running\"}}]}}}";
        String id = "derived:sha256:4333ab68198125be5bd592a28f589a3506eb613a98adf1379b4fb34300fd538e";
        Frame frame = frames(CLOUDTRAIL, gzip(utf8("{\"Records\": [" + stop + "]}"))).get(0);
        assertThat(frame.key()).isEqualTo(id);
        assertThat(frame.headers()).containsEntry(SecpipeHeaders.ID, id);
        // the same record compact, its members in another order, a number written 64.0: the same id
        String reordered = stop.replace(", \"force\": false}", "}").replace("{\"instancesSet\": {\"items\": [{\"instanceId\": \"i-ebeaf9e2\"}]}",
                "{\"force\": false, \"instancesSet\": {\"items\": [{\"instanceId\": \"i-ebeaf9e2\"}]}").replace("\"code\": 64", "\"code\": 64.0");
        assertThat(reordered).isNotEqualTo(stop);
        assertThat(frames(CLOUDTRAIL, utf8("{\"Records\":[" + reordered.replace(": ", ":").replace(", ", ",") + "]}")).get(0).key()).isEqualTo(id);
        // another value, another id; an empty eventID is no id
        assertThat(frames(CLOUDTRAIL, utf8("{\"Records\":[" + stop.replace("stopping", "stopped") + "]}")).get(0).key())
                .startsWith(CloudTrailFraming.DERIVED_ID_PREFIX).isNotEqualTo(id);
        assertThat(frames(CLOUDTRAIL, utf8("{\"Records\":[{\"eventID\":\"\",\"n\":80}]}")).get(0).key())
                .isEqualTo(CloudTrailFraming.derivedId(Json.MAPPER.readTree("{\"n\":8E+1,\"eventID\":\"\"}")));
    }

    @Test
    void resumesAfterAnEventOrdinal() throws IOException {
        List<Frame> frames = frames(CLOUDTRAIL, resource("cloudtrail.json"), 2);
        assertThat(positions(frames)).containsExactly(3L, 4L);
    }

    @Test
    void invalidJsonMidFileIsOneErrorFrameForTheFailingEventThenTheEnd() throws IOException {
        String broken = "{\"Records\":[{\"eventID\":\"e-1\",\"eventName\":\"RunInstances\"},"
                + "{\"eventID\":\"e-2\",\"eventName\":\"StopInstances\" \"awsRegion\":\"eu-west-1\"},"
                + "{\"eventID\":\"e-3\"}]}";
        List<Frame> frames = frames(CLOUDTRAIL, utf8(broken));
        assertThat(positions(frames)).containsExactly(1L, 2L);
        assertThat(frames.get(0).key()).isEqualTo("e-1");
        Frame error = frames.get(1);
        assertThat(error.isError()).isTrue();
        assertThat(error.errorClass()).isEqualTo("com.fasterxml.jackson.core.JsonParseException");
        assertThat(text(error.value())).as("raw bytes from the failing event on").startsWith("{\"eventID\":\"e-2\"");
        assertThat(frames(CLOUDTRAIL, utf8(broken), 2)).as("a resumed reader does not repeat the error").isEmpty();
    }

    @Test
    void aBreakBetweenEventsBelongsToTheNextOrdinal() throws IOException {
        List<Frame> frames = frames(CLOUDTRAIL, utf8("{\"Records\":[{\"eventID\":\"e-1\"} {\"eventID\":\"e-2\"}]}"));
        assertThat(positions(frames)).containsExactly(1L, 2L);
        assertThat(frames.get(1).isError()).isTrue();
    }

    @Test
    void filesWithoutRecordsOrNotObjects() throws IOException {
        assertThat(frames(CLOUDTRAIL, utf8("{\"Records\":[]}"))).isEmpty();
        assertThat(frames(CLOUDTRAIL, utf8("{\"digestStartTime\":\"2026-11-01T08:00:00Z\",\"logFiles\":[{\"s3Object\":\"x\"}]}"))).isEmpty();
        assertThat(frames(CLOUDTRAIL, utf8(""))).isEmpty();
        List<Frame> array = frames(CLOUDTRAIL, utf8("[1,2]"));
        assertThat(array).hasSize(1);
        assertThat(array.get(0).position()).isEqualTo(1);
        assertThat(array.get(0).error()).contains("not a CloudTrail log file");
        assertThat(frames(CLOUDTRAIL, utf8("{\"eventVersion\":\"1.09\",\"Records\":[{\"eventID\":\"late\"}],\"x\":1}")).get(0).key())
                .isEqualTo("late");
    }

    @Test
    void aTruncatedGzipIsAnIOExceptionAfterTheEventsBeforeTheBreak() throws IOException {
        StringBuilder big = new StringBuilder("{\"Records\":[");
        for (int i = 1; i <= 3000; i++) {
            big.append(i == 1 ? "" : ",").append("{\"eventID\":\"e-").append(i).append("\",\"eventName\":\"DescribeVolumes\",\"n\":").append(i * 7919 % 10007).append('}');
        }
        byte[] gz = gzip(utf8(big.append("]}").toString()));
        byte[] truncated = Arrays.copyOf(gz, gz.length * 2 / 3);
        try (FrameReader reader = CLOUDTRAIL.open(io.secpipe.formats.Decompression.open(new java.io.ByteArrayInputStream(truncated)))) {
            assertThat(reader.next(0).key()).isEqualTo("e-1");
            assertThatThrownBy(() -> {
                while (reader.next(0) != null) {
                    // read on until the stream breaks
                }
            }).isInstanceOf(java.io.EOFException.class);
        }
    }
}
