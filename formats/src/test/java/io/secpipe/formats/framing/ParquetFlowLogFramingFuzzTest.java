package io.secpipe.formats.framing;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Parquet flow-log files: any bytes (a corrupt footer, page header or page) frame into records and error frames,
 * or fail as a broken stream; no Parquet exception, no unbounded allocation. The seed is a GZIP Parquet file of
 * AWS's v2 examples.
 */
class ParquetFlowLogFramingFuzzTest {

    private static final Framing FRAMING = new ParquetFlowLogFraming();

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void everyInputFramesOrFailsAsABrokenStream(byte[] input) {
        FramingFuzzing.readsEveryFrameOrFailsWithIoException(FRAMING, input);
    }
}
