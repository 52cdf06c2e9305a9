package io.secpipe.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.SourcePosition;
import io.secpipe.formats.framing.Frame;
import io.secpipe.formats.framing.FrameReader;
import io.secpipe.formats.framing.FramingType;
import io.secpipe.formats.framing.Framings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailedFileIdsTest {

    @Test
    void theIdHashesThePositionAndTheFileKey() {
        TailedFileIds ids = new TailedFileIds(Path.of("/tmp/bench/flows.log"), "(dev=803,ino=1234)");
        assertThat(ids.id(3)).isEqualTo(new SourcePosition("file:/tmp/bench/flows.log#3@(dev=803,ino=1234)").documentId());
        assertThat(new TailedFileIds(Path.of("/tmp/bench/flows.log"), null).id(3))
                .isEqualTo(SourcePosition.ofFileLine(Path.of("/tmp/bench/flows.log"), 3).documentId());
    }

    @Test
    void theLinesOfAGeneratedFileAreFramedAtPositionsOneToN(@TempDir Path dir) throws Exception {
        FlowLineGenerator generator = new FlowLineGenerator(1, "000000000001", 10);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add(generator.next(1_796_000_000L));
        }
        Path file = dir.resolve("flows.log");
        Files.write(file, lines);
        List<Long> positions = new ArrayList<>();
        try (FrameReader reader = Framings.create(FramingType.of("flowlog"), FlowLineGenerator.FORMAT, List.of(), null)
                .open(Files.newInputStream(file))) {
            for (Frame frame = reader.next(0); frame != null; frame = reader.next(frame.position())) {
                assertThat(frame.isError()).isFalse();
                positions.add(frame.position());
            }
        }
        assertThat(positions).isEqualTo(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList());
        assertThat(TailedFileIds.of(file).id(1)).isNotEqualTo(new TailedFileIds(file, null).id(1));
    }
}
