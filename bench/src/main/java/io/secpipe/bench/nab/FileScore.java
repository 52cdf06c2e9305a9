package io.secpipe.bench.nab;

/**
 * One file's NAB score at one threshold. The counts are of rows after the probation period, as NAB counts them;
 * {@code rows} is the whole file. {@code perRow} is NAB's S(t) column: each false positive's weight at its row, each
 * window's outcome (its first detection's weight, or the missed-window penalty) at the window's first row, 0 elsewhere.
 */
public record FileScore(String file, double threshold, double score, int tp, int tn, int fp, int fn, int rows,
                        double[] perRow) {
}
