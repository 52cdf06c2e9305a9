package io.secpipe.bench.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The NAB data present under a directory laid out as NAB's repository: {@code data/<category>/*.csv},
 * {@code labels/combined_windows.json} and {@code config/profiles.json}. Only the files present are scored: the labels
 * also list categories that were left out.
 */
public record Corpus(Path dir, List<Series> series, List<Profile> profiles) {

    public Corpus {
        series = List.copyOf(series);
        profiles = List.copyOf(profiles);
    }

    public static Corpus load(Path nabDir) {
        Path dataDir = nabDir.resolve("data");
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("no NAB data at " + dataDir + " (give the NAB directory, the one holding"
                    + " data/, labels/ and config/)");
        }
        JsonNode windows = readJson(nabDir.resolve("labels").resolve("combined_windows.json"));
        List<Series> series = new ArrayList<>();
        for (Path file : dataFiles(dataDir)) {
            String name = file.getParent().getFileName() + "/" + NabCsv.csvName(file);
            JsonNode limits = windows.get(name);
            if (limits == null || !limits.isArray()) {
                throw new IllegalArgumentException(file + " has no entry in labels/combined_windows.json");
            }
            series.add(read(name, file, limits));
        }
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no NAB data file under " + dataDir);
        }
        return new Corpus(nabDir, series, Profile.load(nabDir.resolve("config").resolve("profiles.json")));
    }

    public int rows() {
        return series.stream().mapToInt(Series::rows).sum();
    }

    public int windows() {
        return series.stream().mapToInt(s -> s.windows().size()).sum();
    }

    private static List<Path> dataFiles(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir, 2)) {
            return files.filter(f -> Files.isRegularFile(f) && NabCsv.isCsv(f)
                    && f.getParent().getParent().equals(dataDir)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dataDir, e);
        }
    }

    private static Series read(String name, Path file, JsonNode limits) {
        NabCsv.Table table = NabCsv.read(file);
        int timestampColumn = table.column("timestamp");
        int valueColumn = table.column("value");
        int rows = table.rows().size();
        long[] epochMillis = new long[rows];
        double[] values = new double[rows];
        for (int i = 0; i < rows; i++) {
            epochMillis[i] = table.epochMillis(i, timestampColumn);
            values[i] = table.number(i, valueColumn);
        }
        List<Window> windows = new ArrayList<>();
        for (JsonNode limit : limits) {
            windows.add(window(name, epochMillis, limit));
        }
        return new Series(name, epochMillis, values, windows);
    }

    /**
     * NAB's labeller puts window limits on row timestamps; a window runs from the first row at its start to the
     * first row at its end after that (a few files repeat an hour, so a timestamp can occur twice).
     */
    private static Window window(String name, long[] epochMillis, JsonNode limit) {
        if (!limit.isArray() || limit.size() != 2) {
            throw new IllegalArgumentException(name + ": a window is [start, end], not " + limit);
        }
        long start = NabCsv.epochMillis(limit.get(0).asText());
        long end = NabCsv.epochMillis(limit.get(1).asText());
        int first = indexOf(epochMillis, start, 0);
        int last = first < 0 ? -1 : indexOf(epochMillis, end, first);
        if (first < 0 || last < 0) {
            throw new IllegalArgumentException(name + ": the window " + limit + " does not start and end on rows"
                    + " of the file");
        }
        return new Window(first, last);
    }

    private static int indexOf(long[] epochMillis, long wanted, int from) {
        for (int i = from; i < epochMillis.length; i++) {
            if (epochMillis[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
