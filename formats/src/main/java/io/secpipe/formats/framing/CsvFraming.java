package io.secpipe.formats.framing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CSV (RFC 4180 quoting, a quoted field may span lines): each row becomes the JSON object {@code {column: value}}
 * (values stay strings), keyed by {@code csv.key.column} when set. The columns are the first row's, or, for files
 * without a header row (Kinesis Data Analytics' reference data maps columns by position), the configured list
 * ({@code csv.columns}), and then every row is data. Position is the line a row starts on. A row of the wrong
 * width, or with an empty key, is an error frame with the raw row; a header without the key column is one error
 * frame, and nothing else of that input is read.
 */
public final class CsvFraming extends LineFraming {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectReader ROWS = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY).readerFor(String[].class);

    private final String keyColumn;
    /** The configured columns of headerless input; null when the first row is the header. */
    private final String[] fixedColumns;

    /** A header row names the columns. {@code keyColumn} may be null: rows then have no key. */
    public CsvFraming(String keyColumn) {
        this(keyColumn, List.of());
    }

    /**
     * @param columns the column names of input without a header row, in order; empty: the first row is the header
     * @throws IllegalArgumentException for a blank or repeated column, or a key column not among them
     */
    public CsvFraming(String keyColumn, List<String> columns) {
        this.keyColumn = keyColumn == null || keyColumn.isBlank() ? null : keyColumn.strip();
        String problem = columnsProblem(this.keyColumn, columns);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.fixedColumns = columns == null || columns.isEmpty() ? null : columns.stream().map(String::strip).toArray(String[]::new);
    }

    /** What is wrong with a configured column list and key column, or null (an empty list: a header row names them). */
    public static String columnsProblem(String keyColumn, List<String> columns) {
        if (columns == null || columns.isEmpty()) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        for (String column : columns) {
            if (column == null || column.isBlank()) {
                return "a column name is empty";
            }
            if (!seen.add(column.strip())) {
                return "the column '" + column.strip() + "' is named twice";
            }
        }
        if (keyColumn != null && !keyColumn.isBlank() && !seen.contains(keyColumn.strip())) {
            return "the key column '" + keyColumn.strip() + "' is not one of the columns " + columns.stream().map(String::strip).toList();
        }
        return null;
    }

    @Override
    FrameReader reader(Lines lines, InputStream in) {
        return new FrameReader() {
            private String[] columns = fixedColumns;
            private int keyIndex = fixedColumns == null || keyColumn == null ? -1 : Arrays.asList(fixedColumns).indexOf(keyColumn);
            private boolean done;
            /** A row being put together from lines until its quotes balance (kept across calls when following). */
            private ByteArrayOutputStream pending;
            private long pendingStart;
            private int pendingQuotes;

            @Override
            public Frame next(long afterPosition) throws IOException {
                while (!done) {
                    byte[] line = lines.next();
                    if (line == null) {
                        if (pending != null && lines.atEnd()) {
                            byte[] raw = pending.toByteArray();
                            pending = null;
                            if (pendingStart > afterPosition) {
                                return Frame.error(pendingStart, raw, "unterminated quoted field at the end of the input");
                            }
                        }
                        return null;
                    }
                    if (pending == null) {
                        if (Lines.isBlank(line)) {
                            continue;
                        }
                        pending = new ByteArrayOutputStream();
                        pendingStart = lines.number();
                        pendingQuotes = 0;
                    } else {
                        pending.write('\n');
                    }
                    pending.write(line);
                    pendingQuotes += quotes(line);
                    if (pendingQuotes % 2 == 1) {
                        continue; // inside a quoted field: the row goes on on the next line
                    }
                    byte[] raw = pending.toByteArray();
                    long start = pendingStart;
                    pending = null;
                    if (columns == null) {
                        Frame headerError = readHeader(start, raw);
                        if (headerError != null) {
                            done = true;
                            return start > afterPosition ? headerError : null;
                        }
                    } else if (start > afterPosition) {
                        return row(start, raw);
                    }
                }
                return null;
            }

            private Frame readHeader(long start, byte[] raw) {
                try {
                    columns = Arrays.stream(parse(raw)).map(String::strip).toArray(String[]::new);
                } catch (IOException e) {
                    return Frame.error(start, raw, e);
                }
                if (keyColumn != null) {
                    keyIndex = Arrays.asList(columns).indexOf(keyColumn);
                    if (keyIndex < 0) {
                        return Frame.error(start, raw, "the header has no key column '" + keyColumn + "'");
                    }
                }
                return null;
            }

            private Frame row(long start, byte[] raw) {
                String[] values;
                try {
                    values = parse(raw);
                } catch (IOException e) {
                    return Frame.error(start, raw, e);
                }
                if (values.length != columns.length) {
                    return Frame.error(start, raw, "the row has " + values.length + " columns, "
                            + (fixedColumns == null ? "the header " : "csv.columns ") + columns.length);
                }
                String key = null;
                if (keyIndex >= 0) {
                    key = values[keyIndex];
                    if (key.isBlank()) {
                        return Frame.error(start, raw, "empty key column '" + keyColumn + "'");
                    }
                }
                Map<String, String> object = new LinkedHashMap<>();
                for (int i = 0; i < columns.length; i++) {
                    object.put(columns[i], values[i]);
                }
                try {
                    return Frame.record(start, JSON.writeValueAsBytes(object), key, Map.of());
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("a map of strings always serializes", e);
                }
            }

            @Override
            public void finish() {
                lines.finish();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private static String[] parse(byte[] row) throws IOException {
        try (MappingIterator<String[]> values = ROWS.readValues(row)) {
            return values.hasNextValue() ? values.nextValue() : new String[0];
        }
    }

    private static int quotes(byte[] line) {
        int count = 0;
        for (byte b : line) {
            if (b == '"') {
                count++;
            }
        }
        return count;
    }
}
