package io.secpipe.formats;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The place a raw record came from, and the document id derived from it.
 * The id is a hash of the position, so reading the same line again (a replay, a restart that repeats)
 * yields the same document id and the search engine overwrites rather than duplicates.
 */
public record SourcePosition(String uri) {

    public static SourcePosition ofFileLine(Path file, long lineNumber) {
        return new SourcePosition("file:" + file.toAbsolutePath().normalize() + "#" + lineNumber);
    }

    /** An S3 object's record: its line (or event ordinal) within the object. */
    public static SourcePosition ofS3Object(String bucket, String key, long position) {
        return new SourcePosition("s3://" + bucket + "/" + key + "#" + position);
    }

    /** 128 bits of SHA-256 over the position, hex: short, URL-safe, and collision-free in practice. */
    public String documentId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return uri;
    }
}
