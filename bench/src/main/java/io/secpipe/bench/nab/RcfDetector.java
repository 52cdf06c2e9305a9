package io.secpipe.bench.nab;

import io.secpipe.streams.anomaly.AnomalyScorer;
import io.secpipe.streams.anomaly.ForestSettings;
import io.secpipe.streams.anomaly.Score;

/**
 * NAB's view of the Streams app's scorer: the same {@link AnomalyScorer}, one parameter set for every series
 * (the app's defaults for one field), the anomaly grade as the score.
 */
public final class RcfDetector implements Detector {

    private final AnomalyScorer scorer;

    public RcfDetector() {
        this(ForestSettings.defaults(1));
    }

    public RcfDetector(ForestSettings settings) {
        this.scorer = AnomalyScorer.create(settings);
    }

    @Override
    public double score(long epochMillis, double value) {
        Score score = scorer.score(new double[] {value}, epochMillis);
        return Math.max(0, Math.min(1, score.grade()));
    }
}
