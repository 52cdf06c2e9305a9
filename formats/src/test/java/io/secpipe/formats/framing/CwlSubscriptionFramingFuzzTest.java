package io.secpipe.formats.framing;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** CloudWatch Logs subscription payloads (plain, gzip or zlib): any bytes frame into records and error frames, or fail as a broken stream. */
class CwlSubscriptionFramingFuzzTest {

    private static final Framing FRAMING = new CwlSubscriptionFraming();

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void everyInputFramesOrFailsAsABrokenStream(byte[] input) {
        FramingFuzzing.readsEveryFrameOrFailsWithIoException(FRAMING, input);
    }
}
