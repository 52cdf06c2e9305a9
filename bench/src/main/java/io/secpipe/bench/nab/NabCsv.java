package io.secpipe.bench.nab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * NAB's CSV files (plain numbers and timestamps, no quoting) and its timestamps, which are UTC without a zone. A file
 * may be gzip-compressed ({@code .csv.gz}, as the repository's copy under bench/nab keeps them).
 */
final class NabCsv {

    /** {@code 2014-02-26 13:45:00} in the data, {@code 2014-02-26 13:45:00.000000} in the labels. */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    /** A file's header and its data lines split on commas; {@code lineNumber(i)} names line i for errors. */
    record Table(Path file, List<String> header, List<String[]> rows) {

        int column(String name) {
            int index = header.indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException(file + " has no column " + name + " (its columns: " + header + ")");
            }
            return index;
        }

        String where(int row) {
            return file + " line " + (row + 2);
        }

        double number(int row, int column) {
            String text = rows.get(row)[column];
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where(row) + ": '" + text + "' in column " + header.get(column)
                        + " is not a number", e);
            }
        }

        long epochMillis(int row, int column) {
            try {
                return NabCsv.epochMillis(rows.get(row)[column]);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where(row) + ": " + e.getMessage(), e);
            }
        }
    }

    private NabCsv() {
    }

    /** {@code .csv} and {@code .csv.gz}. */
    static boolean isCsv(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".csv") || name.endsWith(".csv.gz");
    }

    /** The file's name without {@code .gz}: the name NAB's labels and results give it. */
    static String csvName(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".gz") ? name.substring(0, name.length() - ".gz".length()) : name;
    }

    static Table read(Path file) {
        try (BufferedReader reader = open(file)) {
            String headerLine = reader.readLine();
            if (headerLine == null) {
                throw new IllegalArgumentException(file + " is empty: a NAB file starts with a header line");
            }
            List<String> header = Arrays.asList(headerLine.strip().split(",", -1));
            List<String[]> rows = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.strip().split(",", -1);
                if (cells.length != header.size()) {
                    throw new IllegalArgumentException(file + " line " + (rows.size() + 2) + " has " + cells.length
                            + " cells, the header " + header.size() + ": " + line);
                }
                rows.add(cells);
            }
            return new Table(file, header, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in);
            }
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** A NAB timestamp as epoch milliseconds, read as UTC. */
    static long epochMillis(String timestamp) {
        return LocalDateTime.parse(timestamp.strip(), TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
