package io.secpipe.bench.nab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A published detector's per-row output for one data file, from NAB's
 * {@code results/<detector>/<category>/<detector>_<file>.csv} (or {@code .csv.gz}): the rows it was fed and the anomaly score it gave each.
 */
record PublishedSeries(String name, long[] epochMillis, double[] values, double[] anomalyScores,
                              NabCsv.Table table) {

    /** Every per-row results file of {@code detector}, by data file name (e.g. {@code realKnownCause/nyc_taxi.csv}). */
    static List<PublishedSeries> load(Path nabDir, String detector) {
        Path dir = nabDir.resolve("results").resolve(detector);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no published results of a detector '" + detector + "' at " + dir);
        }
        String prefix = detector + "_";
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            files = walk.filter(f -> Files.isRegularFile(f) && !f.getParent().equals(dir)
                    && f.getFileName().toString().startsWith(prefix) && NabCsv.isCsv(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        List<PublishedSeries> published = new ArrayList<>();
        for (Path file : files) {
            String name = file.getParent().getFileName() + "/" + NabCsv.csvName(file).substring(prefix.length());
            published.add(read(name, file));
        }
        if (published.isEmpty()) {
            throw new IllegalArgumentException("no per-row results file under " + dir);
        }
        return published;
    }

    private static PublishedSeries read(String name, Path file) {
        NabCsv.Table table = NabCsv.read(file);
        int timestamp = table.column("timestamp");
        int value = table.column("value");
        int score = table.column("anomaly_score");
        int rows = table.rows().size();
        long[] epochMillis = new long[rows];
        double[] values = new double[rows];
        double[] scores = new double[rows];
        for (int i = 0; i < rows; i++) {
            epochMillis[i] = table.epochMillis(i, timestamp);
            values[i] = table.number(i, value);
            scores[i] = table.number(i, score);
        }
        return new PublishedSeries(name, epochMillis, values, scores, table);
    }

    public int rows() {
        return anomalyScores.length;
    }

    /** A numeric column of the results file by name, e.g. {@code S(t)_standard}. */
    public double[] column(String name) {
        int column = table.column(name);
        double[] numbers = new double[rows()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = table.number(i, column);
        }
        return numbers;
    }
}
