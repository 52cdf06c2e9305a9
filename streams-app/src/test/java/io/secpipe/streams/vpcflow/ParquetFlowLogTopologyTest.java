package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.formats.Decompression;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.framing.FlowLogFraming;
import io.secpipe.formats.framing.Frame;
import io.secpipe.formats.framing.FrameReader;
import io.secpipe.formats.framing.Framing;
import io.secpipe.formats.framing.ParquetFlowLogFiles;
import io.secpipe.formats.framing.ParquetFlowLogFraming;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** A Parquet flow-log file and the text file of the same records give the same documents (issue 14). */
class ParquetFlowLogTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aParquetFileGivesTheDocumentsOfItsTextForm() throws IOException {
        assertSameDocuments(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES);
        assertSameDocuments(ParquetFlowLogFiles.TCP_FLAGS_FORMAT, ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES);
    }

    private static void assertSameDocuments(String format, List<String> lines) throws IOException {
        byte[] text = (format + "\n" + String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        List<TestRecord<String, String>> fromText = documents(new FlowLogFraming(FlowLogFormat.DEFAULT_V2), text);
        List<TestRecord<String, String>> fromParquet = documents(new ParquetFlowLogFraming(), ParquetFlowLogFiles.write(format, lines));

        assertThat(fromParquet).hasSameSizeAs(lines).hasSameSizeAs(fromText);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode parquetDoc = JSON.readTree(fromParquet.get(i).value());
            JsonNode textDoc = JSON.readTree(fromText.get(i).value());
            assertThat(fromParquet.get(i).key()).isEqualTo(fromText.get(i).key());
            // field by field, so that a difference names the field
            List<String> names = new ArrayList<>();
            parquetDoc.fieldNames().forEachRemaining(names::add);
            List<String> textNames = new ArrayList<>();
            textDoc.fieldNames().forEachRemaining(textNames::add);
            assertThat(names).as("row " + (i + 1)).isEqualTo(textNames);
            for (Iterator<Map.Entry<String, JsonNode>> fields = textDoc.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                assertThat(parquetDoc.get(field.getKey())).as("row " + (i + 1) + " " + field.getKey()).isEqualTo(field.getValue());
            }
        }
        // and what the documents hold, from AWS's description of the first example of each block
        JsonNode first = JSON.readTree(fromParquet.get(0).value());
        assertThat(first.get("interface_id").asText()).isEqualTo("eni-1235b8ca123456789");
        assertThat(first.get("start").asLong()).isEqualTo(format.startsWith("version vpc-id") ? 1566848875L : 1418530010L);
    }

    /** The documents the topology makes of the frames, each piped with the headers a connector gives it. */
    private static List<TestRecord<String, String>> documents(Framing framing, byte[] file) throws IOException {
        StreamsBuilder builder = new StreamsBuilder();
        FlowLogTopology.addTo(builder, FlowLogTopology.Config.from(new Properties()));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build());
             FrameReader reader = framing.open(Decompression.open(new ByteArrayInputStream(file)))) {
            TestInputTopic<String, String> raw = driver.createInputTopic("raw.vpcflow", Serdes.String().serializer(), Serdes.String().serializer());
            TestOutputTopic<String, String> enriched = driver.createOutputTopic("vpcflow.enriched",
                    Serdes.String().deserializer(), Serdes.String().deserializer());
            TestOutputTopic<String, String> deadLetters = driver.createOutputTopic("dlq.vpcflow",
                    Serdes.String().deserializer(), Serdes.String().deserializer());
            Frame frame;
            while ((frame = reader.next(0)) != null) {
                assertThat(frame.isError()).as(frame.error()).isFalse();
                RecordHeaders headers = new RecordHeaders();
                headers.add(SecpipeHeaders.ID, ("id-" + frame.position()).getBytes(StandardCharsets.UTF_8));
                frame.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
                raw.pipeInput(new TestRecord<>(frame.key(), new String(frame.value(), StandardCharsets.UTF_8), headers));
            }
            assertThat(deadLetters.readValuesToList()).isEmpty();
            return enriched.readRecordsToList();
        }
    }
}
