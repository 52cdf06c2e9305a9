package io.secpipe.bench.nab;

import io.secpipe.streams.anomaly.AnomalyScorer;
import io.secpipe.streams.anomaly.ForestSettings;
import io.secpipe.streams.anomaly.Score;
import java.util.Properties;

/**
 * For tuning ({@code --detector rcf-tuning}): the app's scorer with every forest setting from system properties
 * {@code nab.*} (ForestSettings' keys: {@code nab.shingle.size}, {@code nab.sample.size}, ...), {@code nab.mode}
 * {@code score} (the default, as {@link RcfDetector}) or {@code grade}, {@code nab.echo} rows for the {@link EchoFilter}
 * (default as {@link RcfDetector}, 0 turns it off), and {@code nab.suppress} rows of silence after a score at or above
 * {@code nab.suppress.level} (NAB counts only a window's first detection).
 */
final class RcfTuningDetector implements Detector {

    private final AnomalyScorer scorer;
    private final String mode;
    private final EchoFilter echoes;
    private final int suppress;
    private final double suppressLevel;
    private int quiet;

    RcfTuningDetector(Properties p) {
        this.scorer = AnomalyScorer.create(ForestSettings.from(p, "nab.",
                ForestSettings.defaults(1).withSampleSize(RcfDetector.SAMPLE_SIZE)));
        this.mode = p.getProperty("nab.mode", "score");
        this.echoes = new EchoFilter(Integer.parseInt(p.getProperty("nab.echo", String.valueOf(RcfDetector.ECHO_ROWS))));
        this.suppress = Integer.parseInt(p.getProperty("nab.suppress", "0"));
        this.suppressLevel = Double.parseDouble(p.getProperty("nab.suppress.level", "0.99"));
    }

    @Override
    public double score(long epochMillis, double value) {
        Score score = scorer.score(new double[] {value}, epochMillis);
        double s = switch (mode) {
            case "grade" -> Math.max(0, Math.min(1, score.grade()));
            case "score" -> {
                double filtered = echoes.apply(score.score());
                yield filtered / (1 + filtered);
            }
            default -> throw new IllegalArgumentException("nab.mode " + mode);
        };
        if (quiet > 0) {
            quiet--;
            return 0;
        }
        if (suppress > 0 && s >= suppressLevel) {
            quiet = suppress;
        }
        return s;
    }
}
