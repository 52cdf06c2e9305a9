package io.secpipe.formats.framing;

import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.xerial.snappy.Snappy;

/**
 * Writes Parquet flow-log files the way AWS does for tests (here and, through the formats test jar, in the
 * connectors' and the Streams app's tests): one column per field of the format, named with underscores, typed
 * as AWS's table of Parquet types says (INT_32 for version, ports, protocol, tcp-flags and traffic-path, INT_64
 * for packets, bytes, start and end, STRING for the rest), {@code -} written as null.
 */
public final class ParquetFlowLogFiles {

    /** AWS's "Flow log record examples": accepted and rejected traffic, no data and skipped records (default format). */
    public static final List<String> V2_EXAMPLES = List.of(
            "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
            "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK",
            "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
            "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA");

    /** The same page's TCP flag sequence: a custom format. */
    public static final String TCP_FLAGS_FORMAT = "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport "
            + "dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status";
    public static final List<String> TCP_FLAGS_EXAMPLES = List.of(
            "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK",
            "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43416 10.0.0.62 52.213.180.42 6 376 7 1566848875 1566848933 ACCEPT 18 OK",
            "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43418 5001 52.213.180.42 10.0.0.62 6 100701 70 1566848875 1566848933 ACCEPT 2 OK",
            "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43418 10.0.0.62 52.213.180.42 6 632 12 1566848875 1566848933 ACCEPT 18 OK");

    private static final Set<String> INT32 = Set.of("version", "srcport", "dstport", "protocol", "tcp-flags", "traffic-path");
    private static final Set<String> INT64 = Set.of("packets", "bytes", "start", "end");

    private ParquetFlowLogFiles() {
    }

    /** The rows of {@code lines} (text-format lines of {@code format}, AWS's field names) as a GZIP Parquet file. */
    public static byte[] write(String format, List<String> lines) {
        return write(format, lines, CompressionCodecName.GZIP);
    }

    public static byte[] write(String format, List<String> lines, CompressionCodecName codec) {
        List<String> fields = FlowLogFormat.tokens(format);
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (String field : fields) {
            String column = field.replace('-', '_');
            if (INT32.contains(field)) {
                builder.optional(PrimitiveTypeName.INT32).named(column);
            } else if (INT64.contains(field)) {
                builder.optional(PrimitiveTypeName.INT64).named(column);
            } else {
                builder.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(column);
            }
        }
        MessageType schema = builder.named("flow_log");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParquetWriter<Group> writer = builder(new BytesOutputFile(out)).withType(schema).withCodecFactory(new WritingCodecs())
                .withCompressionCodec(codec).withRowGroupRowCountLimit(3).build()) { // several row groups, as in a big file
            for (String line : lines) {
                List<String> values = FlowLogFormat.tokens(line);
                Group row = groups.newGroup();
                for (int i = 0; i < fields.size(); i++) {
                    String value = values.get(i);
                    Type type = schema.getType(i);
                    if (value.equals("-")) {
                        continue;
                    }
                    switch (type.asPrimitiveType().getPrimitiveTypeName()) {
                        case INT32 -> row.add(i, Integer.parseInt(value));
                        case INT64 -> row.add(i, Long.parseLong(value));
                        default -> row.add(i, value);
                    }
                }
                writer.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * ExampleParquetWriter.builder(OutputFile).withConf(ParquetConfiguration), looked up rather than called: javac would
     * need Hadoop's classes to rule out the overloads that take its Path and Configuration.
     */
    private static ExampleParquetWriter.Builder builder(OutputFile file) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle builder = lookup.findStatic(ExampleParquetWriter.class, "builder",
                    MethodType.methodType(ExampleParquetWriter.Builder.class, OutputFile.class));
            MethodHandle withConf = lookup.findVirtual(ExampleParquetWriter.Builder.class, "withConf",
                    MethodType.methodType(ParquetWriter.Builder.class, ParquetConfiguration.class));
            ExampleParquetWriter.Builder plain = (ExampleParquetWriter.Builder) builder.invoke(file);
            return (ExampleParquetWriter.Builder) withConf.invoke(plain, (ParquetConfiguration) new PlainParquetConfiguration());
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The reading codecs, and compressing ones for the test's writer. */
    static final class WritingCodecs extends ParquetCodecs {
        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codec) {
            return new BytesInputCompressor() {
                @Override
                public BytesInput compress(BytesInput bytes) throws IOException {
                    byte[] plain = bytes.toByteArray();
                    return BytesInput.from(switch (codec) {
                        case UNCOMPRESSED -> plain;
                        case SNAPPY -> Snappy.compress(plain);
                        case GZIP -> gzip(plain);
                        default -> throw new UnsupportedOperationException(codec.name());
                    });
                }

                @Override
                public CompressionCodecName getCodecName() {
                    return codec;
                }

                @Override
                public void release() {
                }
            };
        }

        private static byte[] gzip(byte[] plain) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(plain);
            }
            return out.toByteArray();
        }
    }

    private record BytesOutputFile(ByteArrayOutputStream out) implements OutputFile {
        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return out.size();
                }

                @Override
                public void write(int b) {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    out.write(b, off, len);
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }
}
