package io.secpipe.bench.nab;

import io.secpipe.streams.anomaly.AnomalyScorer;
import io.secpipe.streams.anomaly.ForestSettings;
import io.secpipe.streams.anomaly.Score;

/**
 * NAB's view of the Streams app's scorer: the same {@link AnomalyScorer}, one parameter set for every series (the
 * app's defaults for one field with a sample of 1024 points, as {@code anomaly.<family>.sample.size=1024} sets it
 * in the app), and the Random Cut Forest score, mapped into [0, 1) by s / (1 + s), as the anomaly score NAB
 * thresholds. The anomaly grade, the app's own verdict, is 0 for most points and so ranks them poorly: as the
 * score it reached 15.5 (standard), the raw score 59.2. A score counts only when it beats the previous
 * {@value #ECHO_ROWS} rows' ({@link EchoFilter}): 63.5, where 50 rows give 63.2 and 75 give 61.7.
 */
public final class RcfDetector implements Detector {

    static final int SAMPLE_SIZE = 1024;
    static final int ECHO_ROWS = 60;

    private final AnomalyScorer scorer;
    private final EchoFilter echoes = new EchoFilter(ECHO_ROWS);

    public RcfDetector() {
        this(ForestSettings.defaults(1).withSampleSize(SAMPLE_SIZE));
    }

    public RcfDetector(ForestSettings settings) {
        this.scorer = AnomalyScorer.create(settings);
    }

    @Override
    public double score(long epochMillis, double value) {
        Score score = scorer.score(new double[] {value}, epochMillis);
        double s = echoes.apply(score.score());
        return s / (1 + s);
    }
}
