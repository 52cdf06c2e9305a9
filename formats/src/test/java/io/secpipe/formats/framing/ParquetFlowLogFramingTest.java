package io.secpipe.formats.framing;

import static io.secpipe.formats.framing.Fixtures.frames;
import static io.secpipe.formats.framing.Fixtures.gzip;
import static io.secpipe.formats.framing.Fixtures.positions;
import static io.secpipe.formats.framing.Fixtures.text;
import static io.secpipe.formats.framing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

class ParquetFlowLogFramingTest {

    private static final ParquetFlowLogFraming PARQUET = new ParquetFlowLogFraming();

    @Test
    void eachRowIsTheFrameTheTextFramingMakesOfTheSameLine() throws IOException {
        assertSameFramesAsText(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES, CompressionCodecName.GZIP);
        assertSameFramesAsText(ParquetFlowLogFiles.TCP_FLAGS_FORMAT, ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES, CompressionCodecName.GZIP);
        assertSameFramesAsText(ParquetFlowLogFiles.TCP_FLAGS_FORMAT, ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES, CompressionCodecName.SNAPPY);
        assertSameFramesAsText(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES, CompressionCodecName.UNCOMPRESSED);
    }

    private static void assertSameFramesAsText(String format, List<String> lines, CompressionCodecName codec) throws IOException {
        List<Frame> fromText = frames(new FlowLogFraming(FlowLogFormat.DEFAULT_V2), utf8(format + "\n" + String.join("\n", lines) + "\n"));
        List<Frame> fromParquet = frames(PARQUET, ParquetFlowLogFiles.write(format, lines, codec));

        assertThat(fromParquet).hasSameSizeAs(lines).noneMatch(Frame::isError);
        for (int i = 0; i < lines.size(); i++) {
            Frame parquet = fromParquet.get(i);
            Frame text = fromText.get(i);
            assertThat(text(parquet.value())).as(codec + " row " + (i + 1)).isEqualTo(lines.get(i)).isEqualTo(text(text.value()));
            assertThat(parquet.key()).isEqualTo(text.key()).startsWith("eni-");
            assertThat(parquet.headers()).isEqualTo(text.headers()).containsEntry(SecpipeHeaders.FORMAT, format);
            assertThat(parquet.position()).as("the row number, from 1").isEqualTo(i + 1);
        }
    }

    @Test
    void aGzipWrappedFileIsReadThroughDecompressionAndResumesAfterARow() throws IOException {
        byte[] file = gzip(ParquetFlowLogFiles.write(ParquetFlowLogFiles.TCP_FLAGS_FORMAT, ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES));
        List<Frame> resumed = frames(PARQUET, file, 2);
        assertThat(positions(resumed)).containsExactly(3L, 4L); // the rows span two row groups of three and one
        assertThat(text(resumed.get(1).value())).isEqualTo(ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES.get(3));
    }

    @Test
    void inputThatIsNotParquetIsOneErrorFrameWithTheFile() throws IOException {
        byte[] textFile = utf8(FlowLogFormat.DEFAULT_V2_STRING + "\n" + ParquetFlowLogFiles.V2_EXAMPLES.get(0) + "\n");
        List<Frame> frames = frames(PARQUET, textFile);
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).position()).isEqualTo(1);
        assertThat(frames.get(0).error()).startsWith("not a readable Parquet flow-log file: ").contains("not a Parquet file");
        assertThat(frames.get(0).value()).isEqualTo(textFile);

        assertThat(frames(PARQUET, new byte[0])).singleElement().satisfies(f -> assertThat(f.error()).startsWith("not a readable Parquet"));
    }

    @Test
    void aTruncatedFileIsOneErrorFrame() throws IOException {
        byte[] file = ParquetFlowLogFiles.write(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES);
        List<Frame> frames = frames(PARQUET, Arrays.copyOf(file, file.length - 10));
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.position()).isEqualTo(1);
            assertThat(f.error()).startsWith("not a readable Parquet flow-log file: ");
        });
    }

    @Test
    void aColumnChunkWithTooFewValuesIsAnErrorFrameThoughParquetWouldNameItWithHadoopsPath() throws IOException {
        // found by ParquetFlowLogFramingFuzzTest: Parquet's message for it calls for org.apache.hadoop.fs.Path
        byte[] file;
        try (var in = getClass().getResourceAsStream(
                "ParquetFlowLogFramingFuzzTestInputs/everyInputFramesOrFailsAsABrokenStream/value-count-mismatch.parquet")) {
            file = in.readAllBytes();
        }
        List<Frame> frames = frames(PARQUET, file);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.position()).isEqualTo(1);
            assertThat(f.error()).isEqualTo("not a readable Parquet flow-log file: a corrupt column chunk "
                    + "(Parquet's own message needs org/apache/hadoop/fs/Path)");
            assertThat(f.value()).isEqualTo(file);
        });
    }

    @Test
    void aTruncatedGzipAroundTheFileBreaksTheStreamAsForTextFiles() {
        byte[] gz = gzip(ParquetFlowLogFiles.write(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES));
        assertThatThrownBy(() -> frames(PARQUET, Arrays.copyOf(gz, gz.length - 20))).isInstanceOf(java.io.EOFException.class);
    }

    @Test
    void aFileOverTheLimitIsOneErrorFrameThatSaysWhy() throws IOException {
        byte[] file = ParquetFlowLogFiles.write(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES);
        List<Frame> frames = frames(new ParquetFlowLogFraming(file.length - 1), file);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.error()).isEqualTo("a Parquet file larger than 0 MiB is not read (the file is read into memory)");
            assertThat(f.value()).isEmpty();
        });
        assertThat(frames(new ParquetFlowLogFraming(file.length), file)).hasSize(4).noneMatch(Frame::isError);
    }
}
