package io.secpipe.bench.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scorer reproduces NAB's published figures on this subset (realAWSCloudwatch and realKnownCause): fed the
 * published per-row scores of Numenta HTM and of the 2016 Random Cut Forest, the threshold sweep and normalisation give
 * the published normalized scores; the detector that never fires normalizes to 0.
 */
class NabScorerTest {

    private static Path dir;
    private static Corpus corpus;

    @BeforeAll
    static void load() {
        dir = NabData.dir();
        corpus = Corpus.load(dir);
    }

    private static NabResult run(String detector) {
        return NabRunner.run(detector, Detectors.named(detector, dir), corpus, new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void theSubsetIsTheOneThePublishedFiguresCover() {
        assertThat(corpus.series()).hasSize(24);
        assertThat(corpus.rows()).isEqualTo(137_301);
    }

    @Test
    void numentaHtmScoresAsPublished() {
        NabResult result = run("published:numenta");
        assertThat(result.profile("standard").normalized()).isCloseTo(66.5, within(0.05));
    }

    @Test
    void randomCutForest2016ScoresAsPublished() {
        NabResult result = run("published:randomCutForest");
        assertThat(result.profile("standard").normalized()).isCloseTo(51.9, within(0.05));
    }

    @Test
    void theNullDetectorNormalizesToZero() {
        NabResult result = run("null");
        for (String profile : new String[] {"standard", "reward_low_FP_rate", "reward_low_FN_rate"}) {
            assertThat(result.profile(profile).normalized()).as(profile).isCloseTo(0.0, within(1e-9));
        }
    }
}
