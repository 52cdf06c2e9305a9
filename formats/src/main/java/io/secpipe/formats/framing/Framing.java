package io.secpipe.formats.framing;

import java.io.IOException;
import java.io.InputStream;

/** How the bytes of a file or object are cut into records: one implementation per input type. */
public interface Framing {

    /** Opens a reader over {@code in}, already decompressed (see {@link io.secpipe.formats.Decompression}). */
    FrameReader open(InputStream in) throws IOException;

    /** Whether {@link #follow} works: only line framings can tell a complete unit from one still being written. */
    default boolean canFollow() {
        return false;
    }

    /**
     * Opens a reader over an input that keeps growing (a tailed file): a last line without its newline is
     * held back until the newline arrives, and {@link FrameReader#next} may be called again after a null.
     */
    default FrameReader follow(InputStream in) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot follow a growing input");
    }
}
