package io.secpipe.formats.framing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * The page codecs a Parquet flow-log file is read with: GZIP (what AWS writes), SNAPPY (the usual default of
 * other writers) and UNCOMPRESSED. Parquet's own factory would go through Hadoop's codec classes; these use the
 * JDK's gzip and snappy-java, so no Hadoop is needed. Any other codec is refused with its name.
 */
class ParquetCodecs implements CompressionCodecFactory {

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Decompressor((bytes, size) -> bytes);
            case GZIP -> new Decompressor(ParquetCodecs::gunzip);
            case SNAPPY -> new Decompressor(ParquetCodecs::unsnappy);
            default -> throw new UnsupportedOperationException("Parquet pages compressed with " + codec
                    + ": only GZIP, SNAPPY and UNCOMPRESSED are read");
        };
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("Parquet files are only read here");
    }

    @Override
    public void release() {
    }

    /** No more than one byte past the size the page header states: a corrupt page cannot fill the heap. */
    private static byte[] gunzip(byte[] compressed, int uncompressedSize) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return in.readNBytes(uncompressedSize + 1);
        }
    }

    /** Snappy states its own length first: checked against the page header's before anything is allocated. */
    private static byte[] unsnappy(byte[] compressed, int uncompressedSize) throws IOException {
        int length = Snappy.uncompressedLength(compressed);
        if (length != uncompressedSize) {
            throw new IOException("a Snappy page of " + length + " bytes, its header says " + uncompressedSize);
        }
        return Snappy.uncompress(compressed);
    }

    private interface Codec {
        byte[] apply(byte[] bytes, int uncompressedSize) throws IOException;
    }

    private record Decompressor(Codec codec) implements BytesInputDecompressor {

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            return BytesInput.from(checked(codec.apply(bytes.toByteArray(), uncompressedSize), uncompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) throws IOException {
            byte[] compressed = new byte[compressedSize];
            input.get(compressed);
            output.put(checked(codec.apply(compressed, uncompressedSize), uncompressedSize));
        }

        /** A page whose size disagrees with its header is corrupt: say so rather than read beyond it. */
        private static byte[] checked(byte[] bytes, int uncompressedSize) throws IOException {
            if (bytes.length != uncompressedSize) {
                throw new IOException("a page decompressed to " + bytes.length + " bytes, its header says " + uncompressedSize);
            }
            return bytes;
        }

        @Override
        public void release() {
        }
    }
}
