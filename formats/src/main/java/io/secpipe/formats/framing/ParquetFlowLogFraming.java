package io.secpipe.formats.framing;

import io.secpipe.formats.SecpipeHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetMetricsCallback;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * VPC Flow Logs files in Apache Parquet, as AWS delivers them to S3 when the flow log's file format is
 * {@code parquet}: one row per flow, one column per field of the log format, named with underscores
 * ({@code account_id}, {@code log_status}). Each row becomes the line AWS would have written in the text format
 * (the values in column order, separated by a space, a null as {@code -}), with the field list in
 * {@code secpipe.format} in AWS's hyphenated spelling and the interface id as key: what {@link FlowLogFraming}
 * makes of the text file of the same flows, so the Streams app parses both alike. Position is the row number
 * from 1.
 * <p>Parquet keeps its index at the end of the file, so the whole input is read into memory first, up to
 * {@link #MAX_BYTES}. Input that is no Parquet flow-log file (another format, a truncated or corrupt file, a
 * nested schema) is one error frame at the first row it could not read, and the end of that input.
 */
public final class ParquetFlowLogFraming implements Framing {

    /**
     * Far above the flow-log files AWS writes (a file per flow log and 5 minutes, or per hour with hourly
     * partitions), low enough for a task's heap.
     */
    public static final int MAX_BYTES = 256 << 20;

    /** An error about a whole file carries the file as its value up to this size (an errors topic takes about 1 MB). */
    static final int MAX_RAW_BYTES = 64 << 10;

    /**
     * Parquet's defaults with our codecs. ParquetReadOptions.Builder cannot be used: its constructor makes Parquet's
     * Hadoop codec factory, which needs Hadoop's classes, before a factory of ours could be set. The options'
     * own constructor takes every setting and touches no Hadoop class; it is package-private, hence the reflection
     * (the tests read files without Hadoop on the classpath, so a Parquet version that changes it fails them).
     */
    private static final ParquetReadOptions READ_OPTIONS = readOptions();

    /**
     * ParquetFileReader.open(InputFile, ParquetReadOptions), looked up rather than called: javac would need Hadoop's
     * classes (20 MB) to rule out open's overloads that take a Hadoop Configuration and Path.
     */
    private static final MethodHandle OPEN = openHandle();

    private final int maxBytes;

    public ParquetFlowLogFraming() {
        this(MAX_BYTES);
    }

    ParquetFlowLogFraming(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public FrameReader open(InputStream in) {
        return new Reader(in);
    }

    /** Reads the input on the first call to next, so that bad content is an error frame, not a failed open. */
    private final class Reader implements FrameReader {
        private final InputStream in;
        private ParquetFileReader file;
        private List<String> columns;
        private String formatHeader;
        private int interfaceColumn;
        private RecordReader<Group> rows;
        private long rowsLeft;
        private long row;
        private boolean done;
        private byte[] raw = new byte[0];

        Reader(InputStream in) {
            this.in = in;
        }

        @Override
        public Frame next(long afterPosition) throws IOException {
            Frame frame;
            do {
                frame = read();
            } while (frame != null && frame.position() <= afterPosition);
            return frame;
        }

        private Frame read() throws IOException {
            if (done) {
                return null;
            }
            byte[] bytes = null;
            if (file == null) {
                // an IOException here is the stream's own (a truncated gzip around the file): the task reports it
                bytes = in.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    done = true;
                    return Frame.error(1, new byte[0], "a Parquet file larger than " + (maxBytes >> 20)
                            + " MiB is not read (the file is read into memory)");
                }
                raw = bytes.length <= MAX_RAW_BYTES ? bytes : new byte[0];
            }
            try {
                if (file == null) {
                    openFile(bytes);
                    if (done) {
                        return Frame.error(1, raw, "not a flow-log schema (nested or repeated columns): "
                                + file.getFooter().getFileMetaData().getSchema());
                    }
                }
                while (rowsLeft == 0) {
                    PageReadStore pages = file.readNextRowGroup();
                    if (pages == null) {
                        done = true;
                        return null;
                    }
                    MessageType schema = file.getFooter().getFileMetaData().getSchema();
                    rows = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
                    rowsLeft = pages.getRowCount();
                }
                rowsLeft--;
                row++;
                return frame(row, rows.read());
            } catch (IOException | RuntimeException e) {
                // Parquet says what is wrong with the file in its exceptions (not a Parquet file, bad footer, a corrupt page)
                done = true;
                return Frame.error(row + 1, row == 0 ? raw : new byte[0], "not a readable Parquet flow-log file: " + e);
            } catch (NoClassDefFoundError e) {
                // a corrupt column chunk: Parquet names the file in its message with Hadoop's Path class, which is not here
                done = true;
                return Frame.error(row + 1, row == 0 ? raw : new byte[0],
                        "not a readable Parquet flow-log file: a corrupt column chunk (Parquet's own message needs " + e.getMessage() + ")");
            }
        }

        private void openFile(byte[] bytes) throws IOException {
            try {
                file = (ParquetFileReader) OPEN.invokeExact((InputFile) new BytesInputFile(bytes), READ_OPTIONS);
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e); // open declares only IOException
            }
            MessageType schema = file.getFooter().getFileMetaData().getSchema();
            columns = new ArrayList<>();
            for (Type field : schema.getFields()) {
                if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
                    done = true;
                    return;
                }
                // AWS's column names are its field names with underscores: account_id is account-id
                columns.add(field.getName().replace('_', '-'));
            }
            formatHeader = String.join(" ", columns);
            interfaceColumn = columns.indexOf("interface-id");
        }

        private Frame frame(long position, Group group) {
            List<String> values = new ArrayList<>(columns.size());
            String spaced = null;
            for (int i = 0; i < columns.size(); i++) {
                String value = group.getFieldRepetitionCount(i) == 0 ? "" : text(group, i);
                if (value.chars().anyMatch(Character::isWhitespace)) {
                    spaced = group.getType().getFieldName(i);
                }
                values.add(value.isEmpty() ? "-" : value); // the text format's "no value"
            }
            String line = String.join(" ", values);
            if (spaced != null) {
                return Frame.error(position, line.getBytes(StandardCharsets.UTF_8),
                        "column " + spaced + " holds white space, which no flow-log value has");
            }
            String key = interfaceColumn >= 0 ? values.get(interfaceColumn) : null;
            return Frame.record(position, line.getBytes(StandardCharsets.UTF_8), key, Map.of(SecpipeHeaders.FORMAT, formatHeader));
        }

        /** The value as the text format writes it: numbers in decimal, strings as they are. */
        private static String text(Group group, int field) {
            PrimitiveType type = group.getType().getType(field).asPrimitiveType();
            return switch (type.getPrimitiveTypeName()) {
                case INT32 -> Integer.toString(group.getInteger(field, 0));
                case INT64 -> Long.toString(group.getLong(field, 0));
                case BINARY, FIXED_LEN_BYTE_ARRAY -> group.getBinary(field, 0).toStringUsingUTF8();
                default -> group.getValueToString(field, 0);
            };
        }

        @Override
        public void close() throws IOException {
            try {
                if (file != null) {
                    file.close();
                }
            } finally {
                in.close();
            }
        }
    }

    private static MethodHandle openHandle() {
        try {
            return MethodHandles.publicLookup().findStatic(ParquetFileReader.class, "open",
                    MethodType.methodType(ParquetFileReader.class, InputFile.class, ParquetReadOptions.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Parquet version has no ParquetFileReader.open(InputFile, ParquetReadOptions)", e);
        }
    }

    private static ParquetReadOptions readOptions() {
        try {
            Constructor<ParquetReadOptions> constructor = ParquetReadOptions.class.getDeclaredConstructor(
                    boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class,
                    boolean.class, boolean.class, FilterCompat.Filter.class, ParquetMetadataConverter.MetadataFilter.class,
                    CompressionCodecFactory.class, ByteBufferAllocator.class, int.class, Map.class,
                    FileDecryptionProperties.class, ParquetMetricsCallback.class, ParquetConfiguration.class);
            constructor.setAccessible(true);
            // the Builder's defaults: signed min/max off; stats, dictionary, record, column-index filters on;
            // page checksums off; bloom filter on; off-heap decryption and Hadoop vectored IO off
            return constructor.newInstance(false, true, true, true, true, false, true, false, false,
                    FilterCompat.NOOP, ParquetMetadataConverter.NO_FILTER, new ParquetCodecs(), new HeapByteBufferAllocator(),
                    8 << 20, Map.of(), null, null, new PlainParquetConfiguration());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Parquet version's ParquetReadOptions has another constructor", e);
        }
    }

    /** A file held in memory, with the random access Parquet needs (its footer is at the end). */
    private record BytesInputFile(byte[] bytes) implements InputFile {

        @Override
        public long getLength() {
            return bytes.length;
        }

        @Override
        public SeekableInputStream newStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            return new DelegatingSeekableInputStream(in) {
                @Override
                public long getPos() {
                    return bytes.length - in.available();
                }

                @Override
                public void seek(long position) {
                    in.reset(); // to the start: ByteArrayInputStream's mark is 0 until set
                    in.skip(position);
                }
            };
        }
    }
}
