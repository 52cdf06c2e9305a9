package io.secpipe.formats.vpcflow;

import io.secpipe.formats.Decompression;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads one flow-log file line by line, numbering lines from 1, gunzipping when the content is gzip.
 * A first line that names fields is the file's header: it sets the field list and is not a record.
 */
public final class FlowLogFileReader implements Closeable {

    /** One data line of the file, with its 1-based line number and the field list it is written in. */
    public record Line(long number, String text, List<String> format) {
    }

    private final BufferedReader reader;
    private List<String> format;
    private long lineNumber;

    public FlowLogFileReader(Path file, List<String> defaultFormat) throws IOException {
        this.reader = new BufferedReader(new InputStreamReader(Decompression.open(Files.newInputStream(file)), StandardCharsets.UTF_8), 1 << 16);
        this.format = defaultFormat;
    }

    /** The next data line after {@code afterLine} (header and blank lines are passed over), or null at the end. */
    public Line next(long afterLine) throws IOException {
        String text;
        while ((text = reader.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && FlowLogFormat.isHeader(text)) {
                format = FlowLogFormat.tokens(text);
                continue;
            }
            if (lineNumber <= afterLine || text.isBlank()) {
                continue;
            }
            return new Line(lineNumber, text, format);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
