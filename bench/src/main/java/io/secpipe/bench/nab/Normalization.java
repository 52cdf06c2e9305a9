package io.secpipe.bench.nab;

import java.util.List;

/**
 * NAB's normalised score: {@code 100 * (raw - null) / (perfect - null)}, where null is the raw score of a detector
 * that never fires (every window missed) and perfect that of one firing exactly at each window's first row.
 */
public final class Normalization {

    private Normalization() {
    }

    public static double normalize(double raw, double nullRaw, double perfectRaw) {
        return 100.0 * (raw - nullRaw) / (perfectRaw - nullRaw) + 0.0; // + 0.0: never print -0.0
    }

    /** The corpus's raw score with no detection at all. */
    public static double nullScore(List<Series> series, Profile profile) {
        double total = 0;
        for (Series s : series) {
            total += Scorer.score(s, new double[s.rows()], profile, 1.0).score();
        }
        return total;
    }

    /** The corpus's raw score with a detection at each window's first row and nowhere else. */
    public static double perfectScore(List<Series> series, Profile profile) {
        double total = 0;
        for (Series s : series) {
            total += Scorer.score(s, perfectScores(s), profile, 1.0).score();
        }
        return total;
    }

    /** Anomaly scores of the perfect detector: 1 at each window's first row, 0 elsewhere. */
    public static double[] perfectScores(Series series) {
        double[] scores = new double[series.rows()];
        for (Window window : series.windows()) {
            scores[window.first()] = 1.0;
        }
        return scores;
    }
}
