package io.secpipe.connect.source.file;

import io.secpipe.formats.framing.Frame;
import io.secpipe.formats.framing.FrameReader;
import io.secpipe.formats.framing.Framing;
import io.secpipe.formats.Decompression;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the task is in one configured file. Read once, the file is framed to its end. Tailed, the cursor follows
 * the file and notices rotation: a different file key (inode) at the path, or a size below what was read. It then
 * gives the old file one poll interval for its writer's last lines, reads it to its end, and starts on the new
 * file at line 1. The offset names the file key beside the line, so a task restarted after a rotation finds the
 * old file in the same directory by its key, finishes it, and does not skip lines of the new one.
 */
final class FileCursor implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(FileCursor.class);
    /** Offset line of a file whose stream broke (truncated gzip): nothing more is read from it. */
    static final long BROKEN = Long.MAX_VALUE;

    private final Path path;
    private final Framing framing;
    private final boolean tail;
    private final long graceMs;
    /** The stored offset, used on the first open only. */
    private Map<String, Object> restore;

    private FileInputStream stream;
    private FrameReader reader;
    private String key;
    private String deliveryTime;
    private long after;
    private boolean draining;
    private long rotationSeenAt = -1;
    private boolean done;

    FileCursor(Path path, Framing framing, boolean tail, long graceMs, Map<String, Object> storedOffset) {
        this.path = path;
        this.framing = framing;
        this.tail = tail;
        this.graceMs = graceMs;
        this.restore = storedOffset;
    }

    Path path() {
        return path;
    }

    /** The key of the file the last frame came from (null where the platform has no file keys). */
    String fileKey() {
        return key;
    }

    /**
     * When the file being read was delivered, as an ISO-8601 instant (null before the first open): a file read
     * once is complete, so its modification time, taken at open, is the time it was written and the same on
     * every replay. A followed file's modification time moves with every line appended, so it is its creation
     * time instead (where the file system keeps none, Java gives the modification time at open); a rotation starts
     * a new file with a new one.
     */
    String deliveryTime() {
        return deliveryTime;
    }

    long lastPosition() {
        return after;
    }

    /** True once a file read once is finished (never for a tailed file). */
    boolean done() {
        return done;
    }

    /** The next frame, or null: nothing new yet (tailed), or the end of the file ({@link #done()}). */
    Frame next() throws IOException {
        while (!done) {
            if (reader == null && !open()) {
                return null;
            }
            Frame frame = reader.next(after);
            if (frame != null) {
                after = frame.position();
                return frame;
            }
            if (!tail) {
                log.info("Finished {}", path);
                markDone();
                return null;
            }
            if (draining) {
                log.info("Finished the rotated file of {} at line {}; reading the new one from line 1", path, after);
                closeReader();
                draining = false;
                after = 0;
                continue;
            }
            if (!rotated()) {
                rotationSeenAt = -1;
                return null;
            }
            long now = System.currentTimeMillis();
            if (rotationSeenAt < 0) {
                rotationSeenAt = now;
            }
            if (now - rotationSeenAt < graceMs) {
                return null; // the writer may not have switched to the new file yet
            }
            rotationSeenAt = -1;
            reader.finish();
            draining = true;
        }
        return null;
    }

    /** Marks a file whose stream broke as finished. */
    void markDone() throws IOException {
        done = true;
        closeReader();
    }

    private boolean open() throws IOException {
        String currentKey;
        try {
            currentKey = keyOf(path);
        } catch (NoSuchFileException e) {
            if (tail) {
                return false; // not created yet, or between a rename and the new file
            }
            throw e;
        }
        Path target = path;
        long resumeAfter = 0;
        Map<String, Object> stored = restore;
        if (stored != null) {
            resumeAfter = ((Number) stored.get(FileSourceTask.OFFSET_LINE)).longValue();
            Object storedKey = stored.get(FileSourceTask.OFFSET_FILE_KEY);
            if (resumeAfter == BROKEN) {
                log.info("{} broke off earlier and was sent to the errors topic: not read again", path);
                done = true;
                return false;
            }
            if (tail && storedKey != null && !storedKey.equals(currentKey)) {
                Path rotatedAway = findByKey(String.valueOf(storedKey));
                if (rotatedAway != null) {
                    log.info("{} was rotated while the task was away: finishing {} after line {} first", path, rotatedAway, resumeAfter);
                    target = rotatedAway;
                    currentKey = String.valueOf(storedKey);
                } else {
                    log.warn("{} was rotated while the task was away and the old file ({}) is not in {}: its lines after {} are not read",
                            path, storedKey, path.getParent(), resumeAfter);
                    resumeAfter = 0;
                }
            }
        }
        FileInputStream in = new FileInputStream(target.toFile());
        if (tail && target.equals(path) && !Objects.equals(currentKey, keyOfOrNull(path))) {
            in.close(); // rotated between the look and the open: look again next time
            return false;
        }
        restore = null; // consulted once: later opens follow a rotation and start at line 1
        log.info("Reading {}{} after line {}", target, !tail ? "" : target.equals(path) ? " (following)" : " (to its end)", resumeAfter);
        stream = in;
        key = currentKey;
        deliveryTime = deliveryTimeOf(target);
        after = resumeAfter;
        reader = tail ? framing.follow(in) : framing.open(Decompression.open(in));
        if (!target.equals(path)) {
            reader.finish();
            draining = true;
        }
        return true;
    }

    private String deliveryTimeOf(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        FileTime time = tail ? attributes.creationTime() : attributes.lastModifiedTime();
        // milliseconds: what an index's date field keeps, and the same text on every platform
        return time.toInstant().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private boolean rotated() throws IOException {
        String now;
        long size;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            now = attributes.fileKey() == null ? null : attributes.fileKey().toString();
            size = attributes.size();
        } catch (NoSuchFileException e) {
            return false; // renamed and no new file yet: the writer may still append to the old one
        }
        if (key != null && !key.equals(now)) {
            return true;
        }
        return size < stream.getChannel().position(); // truncated in place
    }

    private Path findByKey(String wanted) throws IOException {
        Path dir = path.getParent();
        if (dir == null) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.equals(path) && Files.isRegularFile(p))
                    .filter(p -> wanted.equals(keyOfOrNull(p))).findFirst().orElse(null);
        }
    }

    private static String keyOf(Path file) throws IOException {
        Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return fileKey == null ? null : fileKey.toString();
    }

    private static String keyOfOrNull(Path file) {
        try {
            return keyOf(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void closeReader() throws IOException {
        try {
            if (reader != null) {
                reader.close();
            }
        } finally {
            if (stream != null) {
                stream.close();
            }
            reader = null;
            stream = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeReader();
    }
}
