package io.secpipe.bench.nab;

import java.util.ArrayList;
import java.util.List;

/**
 * Replays a published detector's anomaly scores. The {@link Detector} contract does not say which series is being
 * fed, so the replay recognises it: it keeps the published series whose rows match the rows seen so far (timestamp,
 * and value up to the results files' 12 significant digits) until one is left, then answers that one's score for
 * each row by position. By position, because NAB scored by position: one published file
 * (randomCutForest's machine_temperature_system_failure) has the data's repeated hour sorted into place.
 */
public final class PublishedDetector implements Detector {

    private final String detector;
    private List<PublishedSeries> candidates;
    private int row;

    PublishedDetector(String detector, List<PublishedSeries> published) {
        this.detector = detector;
        this.candidates = List.copyOf(published);
    }

    @Override
    public double score(long epochMillis, double value) {
        if (row == 0 || candidates.size() > 1) {
            List<PublishedSeries> matching = new ArrayList<>();
            for (PublishedSeries candidate : candidates) {
                if (row < candidate.rows() && candidate.epochMillis()[row] == epochMillis
                        && sameValue(candidate.values()[row], value)) {
                    matching.add(candidate);
                }
            }
            if (matching.isEmpty()) {
                throw new IllegalStateException("no published series of " + detector + " has, at row " + row
                        + ", the timestamp " + epochMillis + " and the value " + value + " after the rows fed so far");
            }
            candidates = matching;
        }
        PublishedSeries series = candidates.get(0);
        if (row >= series.rows()) {
            throw new IllegalStateException(detector + "'s published " + series.name() + " has " + series.rows()
                    + " rows; row " + row + " was fed");
        }
        return series.anomalyScores()[row++];
    }

    private static boolean sameValue(double published, double fed) {
        return Math.abs(published - fed) <= 1e-9 * Math.max(1.0, Math.max(Math.abs(published), Math.abs(fed)));
    }
}
