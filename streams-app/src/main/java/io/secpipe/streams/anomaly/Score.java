package io.secpipe.streams.anomaly;

/**
 * One point's verdict.
 *
 * @param score          the RCF score (Kinesis' ANOMALY_SCORE): about 1 and below is ordinary
 * @param grade          the thresholded anomaly grade in [0, 1]; above 0 is an anomaly
 * @param anomalyStart   the point where an anomaly starts (the forest may place it a few points back)
 * @param expected       the values the forest expected instead, for an anomaly; else null
 * @param attribution    per input field, how much it made the point anomalous, for an anomaly; else null
 */
public record Score(double score, double grade, boolean anomalyStart, double[] expected, double[] attribution) {

    public boolean anomaly() {
        return grade > 0;
    }
}
