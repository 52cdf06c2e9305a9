package io.secpipe.bench.e2e;

import io.secpipe.formats.SourcePosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The document ids our file source gives the lines of a followed file: the hash of the line's position and the
 * file's key (its inode), as FileSourceTask makes them with {@code tail} on, so that the harness knows each
 * line's id before the line is even read.
 */
final class TailedFileIds {

    private final Path file;
    private final String fileKey;

    TailedFileIds(Path file, String fileKey) {
        this.file = file.toAbsolutePath().normalize();
        this.fileKey = fileKey;
    }

    /** For a file that exists: its key read from the file system, as the connector reads it. */
    static TailedFileIds of(Path file) throws IOException {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return new TailedFileIds(file, key == null ? null : key.toString());
    }

    /** The id of the document of line {@code line} (from 1). */
    String id(long line) {
        SourcePosition position = SourcePosition.ofFileLine(file, line);
        return fileKey == null ? position.documentId() : new SourcePosition(position.uri() + "@" + fileKey).documentId();
    }
}
