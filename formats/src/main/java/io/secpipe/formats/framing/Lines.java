package io.secpipe.formats.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a byte stream into lines on {@code \n} (a {@code \r} before it is dropped), numbering them from 1.
 * Works on bytes, not chars, so a value is passed on exactly as read. When following, a last line
 * without its newline stays in the buffer and reading resumes from the stream on the next call.
 */
final class Lines {

    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int chunkStart;
    private int chunkEnd;
    private byte[] partial = new byte[256];
    private int partialLength;
    private boolean following;
    private boolean eof;
    private long number;

    Lines(InputStream in, boolean following) {
        this.in = in;
        this.following = following;
    }

    /** The next complete line, or null: at the end, or (when following) until more input arrives. */
    byte[] next() throws IOException {
        while (true) {
            for (int i = chunkStart; i < chunkEnd; i++) {
                if (chunk[i] == '\n') {
                    append(chunkStart, i);
                    chunkStart = i + 1;
                    return take();
                }
            }
            append(chunkStart, chunkEnd);
            chunkStart = chunkEnd = 0;
            if (eof && !following) {
                return partialLength > 0 ? take() : null;
            }
            int n = in.read(chunk);
            if (n < 0) {
                eof = true;
                if (following) {
                    eof = false; // a followed file may grow: try again next call
                    return null;
                }
            } else {
                chunkEnd = n;
            }
        }
    }

    /** The number of the line {@link #next} returned last. */
    long number() {
        return number;
    }

    /** Stop following: the partial last line, if any, becomes a line. */
    void finish() {
        following = false;
    }

    /** True once the input is exhausted and no line is left (never while following). */
    boolean atEnd() {
        return eof && !following && partialLength == 0 && chunkStart == chunkEnd;
    }

    private void append(int from, int to) {
        int length = to - from;
        if (partialLength + length > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
        }
        System.arraycopy(chunk, from, partial, partialLength, length);
        partialLength += length;
    }

    private byte[] take() {
        int length = partialLength > 0 && partial[partialLength - 1] == '\r' ? partialLength - 1 : partialLength;
        byte[] line = Arrays.copyOf(partial, length);
        partialLength = 0;
        number++;
        return line;
    }

    static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
