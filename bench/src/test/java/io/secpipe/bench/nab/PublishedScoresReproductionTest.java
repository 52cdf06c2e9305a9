package io.secpipe.bench.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The scorer reproduces NAB's published per-file raw scores, counts and per-row S(t) of numenta, randomCutForest and
 * null on every file present, for all three profiles, at the thresholds NAB published. The raw scores and counts
 * come from the repository's subset; the per-row S(t) from NAB's full results, when present.
 */
class PublishedScoresReproductionTest {

    static final List<String> DETECTORS = List.of("numenta", "randomCutForest", "null");

    static Corpus corpus;
    static JsonNode thresholds;

    @BeforeAll
    static void load() throws IOException {
        corpus = Corpus.load(NabData.dir());
        thresholds = new ObjectMapper().readTree(corpus.dir().resolve("config/thresholds.json").toFile());
    }

    @Test
    void theCorpusIsTheTwoCategoriesPresent() {
        assertThat(corpus.series()).hasSize(24);
        assertThat(corpus.series().stream().filter(s -> s.name().startsWith("realAWSCloudwatch/"))).hasSize(17);
        assertThat(corpus.series().stream().filter(s -> s.name().startsWith("realKnownCause/"))).hasSize(7);
        assertThat(corpus.profiles()).extracting(Profile::name)
                .containsExactly("standard", "reward_low_FP_rate", "reward_low_FN_rate");
    }

    @Test
    void rawScoresAndCountsMatchThePublishedOnes() {
        int matched = 0;
        double worstScore = 0;
        for (String detector : DETECTORS) {
            Map<String, PublishedSeries> published = published(corpus.dir(), detector);
            for (Profile profile : corpus.profiles()) {
                double threshold = threshold(detector, profile);
                Map<String, String[]> expected = publishedFileScores(detector, profile);
                for (Series series : corpus.series()) {
                    PublishedSeries rows = published.get(series.name());
                    assertThat(rows).as(detector + " " + series.name()).isNotNull();
                    FileScore score = Scorer.score(series, rows.anomalyScores(), profile, threshold);
                    String[] row = expected.get(series.name());
                    String what = detector + " " + profile.name() + " " + series.name();
                    assertThat(score.score()).as(what).isCloseTo(Double.parseDouble(row[4]), offset(1e-9));
                    assertThat(new int[] {score.tp(), score.tn(), score.fp(), score.fn(), score.rows()}).as(what)
                            .containsExactly(Integer.parseInt(row[5]), Integer.parseInt(row[6]),
                                    Integer.parseInt(row[7]), Integer.parseInt(row[8]), Integer.parseInt(row[9]));
                    worstScore = Math.max(worstScore, Math.abs(score.score() - Double.parseDouble(row[4])));
                    matched++;
                }
            }
        }
        System.out.printf("NAB reproduction: %d detector x profile x file scores matched; worst raw score difference"
                + " %.3g%n", matched, worstScore);
        assertThat(matched).isEqualTo(3 * 3 * 24);
    }

    /** Needs NAB's full per-row results (label and S(t) columns), which the repository's subset leaves out. */
    @Test
    void labelsAndPerRowScoresMatchThePublishedOnes() {
        Path full = NabData.fullResultsDir();
        int matched = 0;
        double worstRow = 0;
        for (String detector : DETECTORS) {
            Map<String, PublishedSeries> published = published(full, detector);
            for (Profile profile : corpus.profiles()) {
                double threshold = threshold(detector, profile);
                for (Series series : corpus.series()) {
                    PublishedSeries rows = published.get(series.name());
                    assertThat(rows).as(detector + " " + series.name()).isNotNull();
                    assertThat(labels(rows)).as("windows of " + series.name()).isEqualTo(inWindow(series));
                    FileScore score = Scorer.score(series, rows.anomalyScores(), profile, threshold);
                    String what = detector + " " + profile.name() + " " + series.name();
                    double[] perRow = rows.column("S(t)_" + profile.name());
                    for (int i = 0; i < perRow.length; i++) {
                        assertThat(score.perRow()[i]).as(what + " S(t) row " + i).isCloseTo(perRow[i], offset(1e-9));
                        worstRow = Math.max(worstRow, Math.abs(score.perRow()[i] - perRow[i]));
                    }
                    matched++;
                }
            }
        }
        System.out.printf("NAB reproduction: %d detector x profile x file S(t) columns matched; worst S(t) difference"
                + " %.3g%n", matched, worstRow);
        assertThat(matched).isEqualTo(3 * 3 * 24);
    }

    private static Map<String, PublishedSeries> published(Path nabDir, String detector) {
        Map<String, PublishedSeries> published = new HashMap<>();
        PublishedSeries.load(nabDir, detector).forEach(p -> published.put(p.name(), p));
        return published;
    }

    private static double threshold(String detector, Profile profile) {
        return thresholds.path(detector).path(profile.name()).path("threshold").asDouble();
    }

    private static Map<String, String[]> publishedFileScores(String detector, Profile profile) {
        Path file = corpus.dir().resolve("results").resolve(detector)
                .resolve(detector + "_" + profile.name() + "_scores.csv");
        Map<String, String[]> rows = new HashMap<>();
        for (String[] row : NabCsv.read(file).rows()) {
            rows.put(row[2], row);
        }
        return rows;
    }

    private static List<Boolean> labels(PublishedSeries rows) {
        List<Boolean> labels = new ArrayList<>();
        for (double label : rows.column("label")) {
            labels.add(label == 1.0);
        }
        return labels;
    }

    private static List<Boolean> inWindow(Series series) {
        List<Boolean> labels = new ArrayList<>();
        for (int window : Scorer.windowOfRow(series)) {
            labels.add(window >= 0);
        }
        return labels;
    }
}
