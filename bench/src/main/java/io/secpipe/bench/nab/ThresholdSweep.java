package io.secpipe.bench.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * NAB's threshold optimisation: one threshold per profile for the whole corpus, the one with the best total score.
 * All files' scorable rows are pooled and lowered through in descending anomaly score, so the total score at every
 * distinct threshold comes in one pass; ties go to the highest threshold, as in NAB's sweeper.
 */
public final class ThresholdSweep {

    /** The corpus's total score when rows reaching {@code threshold} are detections. */
    public record Point(double threshold, double score) {
    }

    private ThresholdSweep() {
    }

    /** The best point. */
    public static Point best(List<Series> series, List<double[]> anomalyScores, Profile profile) {
        Point best = null;
        for (Point point : curve(series, anomalyScores, profile)) {
            if (best == null || point.score() > best.score()) {
                best = point;
            }
        }
        return best;
    }

    /**
     * The total score at every distinct anomaly score, highest threshold first, after a first point at
     * {@code +Infinity} where nothing is detected.
     */
    public static List<Point> curve(List<Series> series, List<double[]> anomalyScores, Profile profile) {
        if (series.size() != anomalyScores.size()) {
            throw new IllegalArgumentException(series.size() + " series but " + anomalyScores.size() + " score arrays");
        }
        // pooled scorable rows: their anomaly score, their weight, and their window's corpus-wide index or -1
        int pooled = 0;
        for (Series s : series) {
            pooled += s.rows() - s.probationRows();
        }
        double[] scores = new double[pooled];
        double[] weights = new double[pooled];
        int[] windowOf = new int[pooled];
        int windows = 0;
        int at = 0;
        boolean[] scorable = new boolean[series.stream().mapToInt(s -> s.windows().size()).sum()];
        for (int f = 0; f < series.size(); f++) {
            Series s = series.get(f);
            double[] fileScores = anomalyScores.get(f);
            if (fileScores.length != s.rows()) {
                throw new IllegalArgumentException(s.name() + " has " + s.rows() + " rows but " + fileScores.length
                        + " anomaly scores");
            }
            double[] fileWeights = Scorer.rowWeights(s, profile);
            int[] fileWindows = Scorer.windowOfRow(s);
            for (int row = s.probationRows(); row < s.rows(); row++, at++) {
                scores[at] = fileScores[row];
                weights[at] = fileWeights[row];
                windowOf[at] = fileWindows[row] < 0 ? -1 : windows + fileWindows[row];
                if (windowOf[at] >= 0) {
                    scorable[windowOf[at]] = true;
                }
            }
            windows += s.windows().size();
        }

        double[] windowOutcome = new double[windows];
        Arrays.fill(windowOutcome, -profile.fnWeight());
        double total = 0;
        for (boolean counted : scorable) {
            if (counted) {
                total -= profile.fnWeight();
            }
        }
        Integer[] order = new Integer[pooled];
        for (int i = 0; i < pooled; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());

        List<Point> curve = new ArrayList<>();
        curve.add(new Point(Double.POSITIVE_INFINITY, total));
        for (int k = 0; k < pooled; ) {
            double threshold = scores[order[k]];
            for (; k < pooled && scores[order[k]] == threshold; k++) {
                int row = order[k];
                int window = windowOf[row];
                if (window < 0) {
                    total += weights[row];
                } else if (weights[row] > windowOutcome[window]) {
                    total += weights[row] - windowOutcome[window];
                    windowOutcome[window] = weights[row];
                }
            }
            curve.add(new Point(threshold, total));
        }
        return curve;
    }
}
