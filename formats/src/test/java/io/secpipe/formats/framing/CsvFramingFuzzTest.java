package io.secpipe.formats.framing;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** CSV with a header row, keyed by user_id: any bytes frame into records and error frames, or fail as a broken stream. */
class CsvFramingFuzzTest {

    private static final Framing FRAMING = new CsvFraming("user_id");

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void everyInputFramesOrFailsAsABrokenStream(byte[] input) {
        FramingFuzzing.readsEveryFrameOrFailsWithIoException(FRAMING, input);
    }
}
