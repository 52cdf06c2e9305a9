package io.secpipe.bench.nab;

import java.util.Arrays;

/**
 * NAB's scoring of one file: a detection is a row whose anomaly score reaches the threshold, after the probation
 * period. Each window earns the weight of its earliest detection, a scaled sigmoid of where it falls in the window
 * (the window's first row earns the full true-positive weight), or loses the false-negative weight when missed.
 * Each detection outside the windows costs the false-positive weight, scaled by the same sigmoid of its distance
 * after the preceding window (the full weight when no window precedes it).
 */
public final class Scorer {

    private Scorer() {
    }

    /**
     * NAB's scaled sigmoid of a relative position: -1 is a window's first row (about 0.987), 0 just past its last,
     * positive values after it (about -0.987 at one window length after), -1 beyond three lengths.
     */
    public static double scaledSigmoid(double relativePosition) {
        if (relativePosition > 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
    }

    /** What each row of the series would add to the score if it were the detection that counts there. */
    public static double[] rowWeights(Series series, Profile profile) {
        double maxTruePositive = scaledSigmoid(-1.0);
        double[] weights = new double[series.rows()];
        Window previous = null;
        int next = 0;
        for (int row = 0; row < weights.length; row++) {
            Window current = next < series.windows().size() && series.windows().get(next).contains(row)
                    ? series.windows().get(next) : null;
            if (current != null) {
                double position = -(current.last() - row + 1) / (double) current.length();
                weights[row] = scaledSigmoid(position) * profile.tpWeight() / maxTruePositive;
                if (row == current.last()) {
                    previous = current;
                    next++;
                }
            } else if (previous == null) {
                weights[row] = -profile.fpWeight();
            } else {
                // a one-row window divides by zero here: +infinity, past 3, costs the full weight
                double position = Math.abs(row - previous.last()) / (double) (previous.length() - 1);
                weights[row] = scaledSigmoid(position) * profile.fpWeight();
            }
        }
        return weights;
    }

    /** The window index of each row, -1 outside the windows. */
    static int[] windowOfRow(Series series) {
        int[] windowOf = new int[series.rows()];
        Arrays.fill(windowOf, -1);
        for (int w = 0; w < series.windows().size(); w++) {
            Window window = series.windows().get(w);
            Arrays.fill(windowOf, window.first(), window.last() + 1, w);
        }
        return windowOf;
    }

    /**
     * The file's score with detections where {@code anomalyScores[row] >= threshold}. A window lying wholly in the
     * probation period neither scores nor costs, as in NAB's sweeper.
     */
    public static FileScore score(Series series, double[] anomalyScores, Profile profile, double threshold) {
        if (anomalyScores.length != series.rows()) {
            throw new IllegalArgumentException(series.name() + " has " + series.rows() + " rows but "
                    + anomalyScores.length + " anomaly scores");
        }
        double[] weights = rowWeights(series, profile);
        int[] windowOf = windowOfRow(series);
        int windows = series.windows().size();
        double[] windowOutcome = new double[windows];
        Arrays.fill(windowOutcome, -profile.fnWeight());
        boolean[] scorable = new boolean[windows];
        double[] perRow = new double[series.rows()];
        double score = 0;
        int tp = 0;
        int tn = 0;
        int fp = 0;
        int fn = 0;
        for (int row = series.probationRows(); row < series.rows(); row++) {
            boolean detected = anomalyScores[row] >= threshold;
            int window = windowOf[row];
            if (window >= 0) {
                scorable[window] = true;
                if (detected) {
                    tp++;
                    windowOutcome[window] = Math.max(windowOutcome[window], weights[row]);
                } else {
                    fn++;
                }
            } else if (detected) {
                fp++;
                perRow[row] = weights[row];
                score += weights[row];
            } else {
                tn++;
            }
        }
        for (int w = 0; w < windows; w++) {
            if (scorable[w]) {
                perRow[series.windows().get(w).first()] = windowOutcome[w];
                score += windowOutcome[w];
            }
        }
        return new FileScore(series.name(), threshold, score, tp, tn, fp, fn, series.rows(), perRow);
    }
}
