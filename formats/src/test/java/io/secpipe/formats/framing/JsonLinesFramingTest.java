package io.secpipe.formats.framing;

import static io.secpipe.formats.framing.Fixtures.frames;
import static io.secpipe.formats.framing.Fixtures.positions;
import static io.secpipe.formats.framing.Fixtures.resource;
import static io.secpipe.formats.framing.Fixtures.text;
import static io.secpipe.formats.framing.Fixtures.utf8;
import static io.secpipe.formats.framing.Fixtures.zlib;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesFramingTest {

    private static final JsonLinesFraming OSSEC = new JsonLinesFraming(List.of("agent.name", "hostname"));

    @Test
    void eachLineIsOneObjectKeyedByTheFirstPathPresent() throws IOException {
        List<Frame> frames = frames(OSSEC, resource("alerts.json"));
        assertThat(positions(frames)).containsExactly(1L, 3L, 4L, 5L, 6L, 7L);
        assertThat(frames.stream().map(Frame::key)).containsExactly("web-01", "web-01", "db-02", null, null, "web-02");
        String line1 = new String(resource("alerts.json"), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertThat(text(frames.get(0).value())).as("value untouched").isEqualTo(line1);
    }

    @Test
    void invalidJsonIsAnErrorFrameWithTheRawLineAndReadingGoesOn() throws IOException {
        List<Frame> frames = frames(OSSEC, resource("alerts.json"));
        Frame truncated = frames.get(3);
        assertThat(truncated.isError()).isTrue();
        assertThat(text(truncated.value())).startsWith("{\"rule\":{\"level\":3,\"description\":\"truncated alert\"");
        assertThat(truncated.errorClass()).startsWith("com.fasterxml.jackson");
        assertThat(truncated.error()).contains("end-of-input");
        Frame array = frames.get(4);
        assertThat(array.error()).isEqualTo("not a JSON object");
        assertThat(array.errorClass()).isEqualTo(Frame.MALFORMED_INPUT);
        assertThat(frames.get(5).isError()).isFalse();
        assertThat(frames(OSSEC, utf8("{\"a\":1} {\"b\":2}\n")).get(0).error()).isEqualTo("more than one JSON value on the line");
    }

    @Test
    void withoutKeyFieldThereIsNoKeyAndZlibInputIsInflated() throws IOException {
        List<Frame> frames = frames(new JsonLinesFraming(List.of()), zlib(resource("alerts.json")));
        assertThat(frames).hasSize(6);
        assertThat(frames).allMatch(f -> f.key() == null);
    }

    @Test
    void resumesAfterAPosition() throws IOException {
        assertThat(positions(frames(OSSEC, resource("alerts.json"), 4))).containsExactly(5L, 6L, 7L);
    }

    @Test
    void followingHoldsBackALastLineUntilItsNewlineArrives() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream pipe = new PipedInputStream(writer, 1 << 16);
        // a pipe blocks at its end; a file returns -1: make reads at "the end" return -1 like a file
        java.io.InputStream fileLike = new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                return pipe.available() == 0 ? -1 : pipe.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int available = pipe.available();
                return available == 0 ? -1 : pipe.read(b, off, Math.min(len, available));
            }
        };
        try (FrameReader reader = OSSEC.follow(fileLike)) {
            writer.write(utf8("{\"agent\":{\"name\":\"a\"}}\n{\"agent\":{\"na"));
            assertThat(reader.next(0).key()).isEqualTo("a");
            assertThat(reader.next(0)).as("half a line is no frame yet").isNull();
            writer.write(utf8("me\":\"b\"}}\n{\"agent\":"));
            Frame second = reader.next(0);
            assertThat(second.position()).isEqualTo(2);
            assertThat(second.key()).isEqualTo("b");
            assertThat(reader.next(0)).isNull();
            writer.write(utf8("{\"name\":\"c\"}}"));
            assertThat(reader.next(0)).as("still no newline").isNull();
            reader.finish(); // rotated away: the rest is final
            Frame last = reader.next(0);
            assertThat(last.position()).isEqualTo(3);
            assertThat(last.key()).isEqualTo("c");
            assertThat(reader.next(0)).isNull();
        }
        assertThat(OSSEC.canFollow()).isTrue();
        assertThat(new CloudTrailFraming().canFollow()).isFalse();
        assertThat(frames(OSSEC, new byte[0])).isEmpty();
    }
}
