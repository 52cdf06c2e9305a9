package io.secpipe.formats.framing;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.Decompression;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The property every framing's fuzz target checks, reading as a connector does (Decompression, then the framing):
 * only an IOException (the stream itself is broken: the connector turns it into one error record) may escape;
 * positions strictly increase; an error frame always says why; a record frame always has a value.
 */
final class FramingFuzzing {

    /** A bound on frames read from one input, far above what a fuzzer's input can hold. */
    private static final int MAX_FRAMES = 100_000;

    private FramingFuzzing() {
    }

    static void readsEveryFrameOrFailsWithIoException(Framing framing, byte[] input) {
        try (FrameReader reader = framing.open(Decompression.open(new ByteArrayInputStream(input)))) {
            long last = 0;
            for (int n = 0; n < MAX_FRAMES; n++) {
                Frame frame = reader.next(0);
                if (frame == null) {
                    return;
                }
                assertThat(frame.position()).as("positions strictly increase").isGreaterThan(last);
                last = frame.position();
                if (frame.isError()) {
                    assertThat(frame.error()).as("the reason of an error frame").isNotBlank();
                    assertThat(frame.value()).as("the raw bytes of an error frame").isNotNull();
                } else {
                    assertThat(frame.value()).as("the value of a record frame").isNotNull();
                }
            }
            throw new AssertionError("more than " + MAX_FRAMES + " frames from " + input.length + " bytes");
        } catch (IOException expected) {
            // a broken stream: the connector reports it as one error record at the position reached
        }
    }
}
