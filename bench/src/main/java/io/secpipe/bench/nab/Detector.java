package io.secpipe.bench.nab;

/**
 * An anomaly detector as the Numenta Anomaly Benchmark runs one: a new instance per series, fed that series'
 * rows in time order, returning for each row an anomaly score in [0, 1]. The harness picks the threshold.
 */
public interface Detector {

    /** The anomaly score of the row at {@code epochMillis} (UTC) with {@code value}. */
    double score(long epochMillis, double value);
}
