package io.secpipe.formats.framing;

import io.secpipe.formats.Decompression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Test inputs: resources, gzip and zlib of them, and reading every frame the way a connector does. */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/framing/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("test resource framing/" + name, e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] zlib(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Arrays.stream(parts).forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Every frame after {@code after}, the input first through Decompression as a connector does. */
    static List<Frame> frames(Framing framing, byte[] input, long after) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (FrameReader reader = framing.open(Decompression.open(new ByteArrayInputStream(input)))) {
            Frame frame;
            while ((frame = reader.next(after)) != null) {
                frames.add(frame);
            }
        }
        return frames;
    }

    static List<Frame> frames(Framing framing, byte[] input) throws IOException {
        return frames(framing, input, 0);
    }

    static List<Long> positions(List<Frame> frames) {
        return frames.stream().map(Frame::position).toList();
    }
}
