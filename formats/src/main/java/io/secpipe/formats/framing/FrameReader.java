package io.secpipe.formats.framing;

import java.io.Closeable;
import java.io.IOException;

/** Frames read one by one from one file or object. */
public interface FrameReader extends Closeable {

    /**
     * The next frame after {@code afterPosition} (frames at or before it are read and passed over: that
     * is how a restarted task resumes), or null at the end. A piece that cannot be framed comes back as
     * an error frame; an IOException means the stream itself broke (a truncated gzip, for example).
     * <p>A reader from {@link Framing#follow} returns null when no complete frame is there yet; a later
     * call reads on where it stopped, once the input has grown.
     */
    Frame next(long afterPosition) throws IOException;

    /**
     * The input will not grow any more (a followed file was rotated away): from now on a last line
     * without its newline is a frame too. Readers that do not follow ignore it.
     */
    default void finish() {
    }
}
