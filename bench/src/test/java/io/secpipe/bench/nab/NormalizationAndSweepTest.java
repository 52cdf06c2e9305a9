package io.secpipe.bench.nab;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The sweep, normalisation and runner on the corpus present; figures printed, exact facts asserted. */
class NormalizationAndSweepTest {

    static Corpus corpus;

    @BeforeAll
    static void load() {
        corpus = Corpus.load(NabData.dir());
    }

    @Test
    void theNullDetectorNormalisesToZeroAndThePerfectOneToHundred() {
        List<double[]> perfect = new ArrayList<>();
        corpus.series().forEach(s -> perfect.add(Normalization.perfectScores(s)));
        NabResult perfectResult = NabRunner.evaluate("perfect", corpus, perfect);
        NabResult nullResult = run("null", Detectors.named("null", corpus.dir()));
        for (NabResult.ProfileResult p : perfectResult.profiles()) {
            assertThat(p.normalized()).as(p.profile().name()).isCloseTo(100.0, offset(1e-9));
            assertThat(p.perfectRaw()).isEqualTo(corpus.windows() * p.profile().tpWeight());
            assertThat(p.nullRaw()).isEqualTo(-corpus.windows() * p.profile().fnWeight());
        }
        for (NabResult.ProfileResult p : nullResult.profiles()) {
            assertThat(p.normalized()).as(p.profile().name()).isEqualTo(0.0);
        }
        assertThat(NabRunner.finalLine(nullResult))
                .isEqualTo("nab standard=0.0 reward_low_FP_rate=0.0 reward_low_FN_rate=0.0");
    }

    @Test
    void theSweptCurveIsTheScorerAtEachThreshold() {
        List<double[]> scores = new ArrayList<>();
        Map<String, PublishedSeries> published = new java.util.HashMap<>();
        PublishedSeries.load(corpus.dir(), "numenta").forEach(p -> published.put(p.name(), p));
        corpus.series().forEach(s -> scores.add(published.get(s.name()).anomalyScores()));
        Profile standard = corpus.profiles().get(0);
        List<ThresholdSweep.Point> curve = ThresholdSweep.curve(corpus.series(), scores, standard);
        for (int k = 0; k < curve.size(); k += Math.max(1, curve.size() / 40)) {
            double total = 0;
            for (int f = 0; f < corpus.series().size(); f++) {
                total += Scorer.score(corpus.series().get(f), scores.get(f), standard, curve.get(k).threshold()).score();
            }
            // summed in a different order over ~50k rows: equal to rounding, relative to the total
            assertThat(curve.get(k).score()).as("at " + curve.get(k).threshold())
                    .isCloseTo(total, offset(1e-12 * Math.max(1.0, Math.abs(total))));
        }
        ThresholdSweep.Point best = ThresholdSweep.best(corpus.series(), scores, standard);
        assertThat(curve).allSatisfy(p -> assertThat(p.score()).isLessThanOrEqualTo(best.score()));
    }

    @Test
    void publishedDetectorsReThresholdedBySweep() {
        for (String name : List.of("numenta", "randomCutForest", "null")) {
            NabResult result = run("published:" + name, Detectors.named("published:" + name, corpus.dir()));
            System.out.println("published:" + name + " " + NabRunner.finalLine(result) + " thresholds "
                    + result.profiles().stream().map(p -> p.profile().name() + "=" + p.threshold()).toList());
            assertThat(NabRunner.finalLine(result))
                    .matches("nab standard=-?\\d+\\.\\d reward_low_FP_rate=-?\\d+\\.\\d reward_low_FN_rate=-?\\d+\\.\\d");
        }
    }

    private static NabResult run(String name, Supplier<Detector> detector) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NabResult result = NabRunner.run(name, detector, corpus, new PrintStream(out, true, StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[lines.length - 1]).isEqualTo(NabRunner.finalLine(result));
        assertThat(lines).hasSize(1 + corpus.series().size() + corpus.profiles().size() + 2);
        return result;
    }
}
