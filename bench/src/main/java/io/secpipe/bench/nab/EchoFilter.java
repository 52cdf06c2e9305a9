package io.secpipe.bench.nab;

import java.util.Arrays;

/**
 * Keeps a score only when it is higher than every score of the previous {@code rows} rows, and gives 0 otherwise.
 * After a level shift the forest keeps scoring high for a while as it learns the new level; NAB rewards only a
 * window's first detection and charges each later row above the threshold as a false positive, so those echoes
 * cost and tell nothing new. A larger anomaly than the recent ones still passes.
 */
final class EchoFilter {

    private final double[] recent;
    private int next;

    EchoFilter(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("echo rows " + rows + " < 0");
        }
        this.recent = new double[rows];
        Arrays.fill(recent, Double.NEGATIVE_INFINITY); // rows not yet seen hold nothing down
    }

    /** {@code score} if it beats the last {@code rows} scores (all of them, however filtered), else 0. */
    double apply(double score) {
        if (recent.length == 0) {
            return score;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double earlier : recent) {
            max = Math.max(max, earlier);
        }
        recent[next] = score;
        next = (next + 1) % recent.length;
        return score > max ? score : 0;
    }
}
