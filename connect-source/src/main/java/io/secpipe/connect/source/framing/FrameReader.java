package io.secpipe.connect.source.framing;

import java.io.Closeable;
import java.io.IOException;

/** Frames read one by one from one file or object. */
public interface FrameReader extends Closeable {

    /**
     * The next frame after {@code afterPosition} (frames at or before it are read and passed over: that
     * is how a restarted task resumes), or null at the end. A piece that cannot be framed comes back as
     * an error frame; an IOException means the stream itself broke (a truncated gzip, for example).
     */
    Frame next(long afterPosition) throws IOException;
}
