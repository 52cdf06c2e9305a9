package io.secpipe.formats.framing;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** a CloudTrail file, {"Records": any bytes frame into records and error frames, or fail as a broken stream. */
class CloudTrailFramingFuzzTest {

    private static final Framing FRAMING = new CloudTrailFraming();

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void everyInputFramesOrFailsAsABrokenStream(byte[] input) {
        FramingFuzzing.readsEveryFrameOrFailsWithIoException(FRAMING, input);
    }
}
