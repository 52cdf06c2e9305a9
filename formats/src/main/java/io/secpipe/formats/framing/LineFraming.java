package io.secpipe.formats.framing;

import java.io.IOException;
import java.io.InputStream;

/** A framing whose unit is a line: position is the 1-based line number, blank lines are no record but count. */
abstract class LineFraming implements Framing {

    @Override
    public FrameReader open(InputStream in) {
        return reader(new Lines(in, false), in);
    }

    @Override
    public boolean canFollow() {
        return true;
    }

    @Override
    public FrameReader follow(InputStream in) {
        return reader(new Lines(in, true), in);
    }

    abstract FrameReader reader(Lines lines, InputStream in);

    /** Reads line after line; a subclass frames one non-blank line, and may take any line as a header. */
    abstract static class Reader implements FrameReader {
        final Lines lines;
        private final InputStream in;

        Reader(Lines lines, InputStream in) {
            this.lines = lines;
            this.in = in;
        }

        @Override
        public Frame next(long afterPosition) throws IOException {
            byte[] line;
            while ((line = lines.next()) != null) {
                long number = lines.number();
                if (header(number, line) || number <= afterPosition || Lines.isBlank(line)) {
                    continue;
                }
                return frame(number, line);
            }
            return null;
        }

        /** True when the line is a header, no record (asked of every line, even those a resume skips). */
        boolean header(long number, byte[] line) {
            return false;
        }

        abstract Frame frame(long number, byte[] line);

        @Override
        public void finish() {
            lines.finish();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
