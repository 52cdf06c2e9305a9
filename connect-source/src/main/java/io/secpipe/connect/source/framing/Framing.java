package io.secpipe.connect.source.framing;

import java.io.IOException;
import java.io.InputStream;

/** How the bytes of a file or object are cut into records: one implementation per input type. */
public interface Framing {

    /** Opens a reader over {@code in}, already decompressed (see {@link io.secpipe.formats.Decompression}). */
    FrameReader open(InputStream in) throws IOException;
}
