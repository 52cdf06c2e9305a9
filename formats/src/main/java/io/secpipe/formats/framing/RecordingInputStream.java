package io.secpipe.formats.framing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Keeps the bytes read since a mark, so that a streaming JSON parser that fails halfway can still hand the raw
 * bytes of the failing part to an error frame. Capped: an error record must fit in a Kafka message.
 */
final class RecordingInputStream extends FilterInputStream {

    static final int CAP = 256 * 1024;

    private byte[] kept = new byte[8192];
    private int keptLength;
    /** Offset in the stream of kept[0]. */
    private long keptFrom;
    private long total;

    RecordingInputStream(InputStream in) {
        super(in);
    }

    /** Forgets the bytes before {@code offset} (a byte offset from the start of the stream). */
    void markAt(long offset) {
        int drop = (int) Math.max(0, Math.min(keptLength, offset - keptFrom));
        System.arraycopy(kept, drop, kept, 0, keptLength - drop);
        keptLength -= drop;
        keptFrom += drop;
        if (keptLength == 0) {
            // the bytes up to the mark were over the cap and not kept: record again from what comes next
            keptFrom = total;
        }
    }

    /** The bytes read from the mark on (at most {@link #CAP}). */
    byte[] sinceMark() {
        return Arrays.copyOf(kept, keptLength);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            keep(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            keep(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        return read(new byte[(int) Math.min(n, 8192)]);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void keep(byte[] buffer, int offset, int n) {
        long start = total;
        total += n;
        if (keptFrom + keptLength != start) {
            return; // already over the cap for this part
        }
        int room = CAP - keptLength;
        int length = Math.min(room, n);
        if (length <= 0) {
            return;
        }
        if (keptLength + length > kept.length) {
            kept = Arrays.copyOf(kept, Math.min(CAP, Math.max(kept.length * 2, keptLength + length)));
        }
        System.arraycopy(buffer, offset, kept, keptLength, length);
        keptLength += length;
    }
}
