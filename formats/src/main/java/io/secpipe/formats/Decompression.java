package io.secpipe.formats;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/** Gzip, zlib or plain, told by the first bytes rather than by a name, as S3 object keys often lie. */
public final class Decompression {
    private Decompression() {
    }

    public static InputStream open(InputStream raw) throws IOException {
        InputStream in = raw.markSupported() ? raw : new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        // zlib: CMF 0x78 and a header checksum that divides by 31 (RFC 1950)
        if (b1 == 0x78 && b2 >= 0 && ((b1 << 8) | b2) % 31 == 0) {
            return new InflaterInputStream(in);
        }
        return in;
    }
}
