package io.secpipe.bench.nab;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Runs a detector over the corpus as NAB does: every series streamed row by row through a fresh detector, then per
 * profile one threshold swept over all files, the files scored at it, and the total normalised.
 */
public final class NabRunner {

    private NabRunner() {
    }

    /** The anomaly score a fresh detector gives each row of the series, in file order. */
    public static double[] detect(Series series, Detector detector) {
        double[] scores = new double[series.rows()];
        for (int row = 0; row < scores.length; row++) {
            double score = detector.score(series.epochMillis()[row], series.values()[row]);
            if (!(score >= 0.0 && score <= 1.0)) {
                throw new IllegalStateException("the detector scored " + series.name() + " row " + row + " " + score
                        + ": anomaly scores lie in [0, 1]");
            }
            scores[row] = score;
        }
        return scores;
    }

    /** Scores already detected, e.g. published ones: the sweep, the per-file scores and the normalisation. */
    public static NabResult evaluate(String detector, Corpus corpus, List<double[]> anomalyScores) {
        List<NabResult.ProfileResult> profiles = new ArrayList<>();
        List<List<FileScore>> files = new ArrayList<>();
        for (Profile profile : corpus.profiles()) {
            ThresholdSweep.Point best = ThresholdSweep.best(corpus.series(), anomalyScores, profile);
            List<FileScore> scores = new ArrayList<>();
            double raw = 0;
            for (int f = 0; f < corpus.series().size(); f++) {
                FileScore score = Scorer.score(corpus.series().get(f), anomalyScores.get(f), profile, best.threshold());
                scores.add(score);
                raw += score.score();
            }
            profiles.add(new NabResult.ProfileResult(profile, best.threshold(), raw,
                    Normalization.nullScore(corpus.series(), profile),
                    Normalization.perfectScore(corpus.series(), profile)));
            files.add(scores);
        }
        return new NabResult(detector, profiles, files);
    }

    /** Detects, evaluates and prints: a line per file, the thresholds and raw totals, then the {@code nab} line. */
    public static NabResult run(String name, Supplier<Detector> detector, Corpus corpus, PrintStream out) {
        long start = System.nanoTime();
        List<double[]> anomalyScores = new ArrayList<>();
        for (Series series : corpus.series()) {
            anomalyScores.add(detect(series, detector.get()));
        }
        long detected = System.nanoTime();
        NabResult result = evaluate(name, corpus, anomalyScores);
        long evaluated = System.nanoTime();
        print(result, corpus, out);
        out.printf(Locale.ROOT, "time detect=%.2fs score=%.2fs (%d series, %d rows)%n", (detected - start) / 1e9,
                (evaluated - detected) / 1e9, corpus.series().size(), corpus.rows());
        out.println(finalLine(result));
        return result;
    }

    static void print(NabResult result, Corpus corpus, PrintStream out) {
        out.println("detector " + result.detector() + " on " + corpus.dir());
        for (int f = 0; f < corpus.series().size(); f++) {
            StringBuilder line = new StringBuilder(corpus.series().get(f).name());
            for (int p = 0; p < result.profiles().size(); p++) {
                FileScore score = result.files().get(p).get(f);
                line.append(String.format(Locale.ROOT, " %s=%.3f(tp=%d,fp=%d,fn=%d)",
                        result.profiles().get(p).profile().name(), score.score(), score.tp(), score.fp(), score.fn()));
            }
            out.println(line);
        }
        for (NabResult.ProfileResult profile : result.profiles()) {
            out.printf(Locale.ROOT, "profile %s threshold=%s raw=%.3f null=%.3f perfect=%.3f%n",
                    profile.profile().name(), profile.threshold(), profile.raw(), profile.nullRaw(),
                    profile.perfectRaw());
        }
    }

    /** {@code nab standard=NN.N reward_low_FP_rate=NN.N reward_low_FN_rate=NN.N}, in the profiles' order. */
    public static String finalLine(NabResult result) {
        StringBuilder line = new StringBuilder("nab");
        for (NabResult.ProfileResult profile : result.profiles()) {
            line.append(String.format(Locale.ROOT, " %s=%.1f", profile.profile().name(), profile.normalized()));
        }
        return line.toString();
    }
}
