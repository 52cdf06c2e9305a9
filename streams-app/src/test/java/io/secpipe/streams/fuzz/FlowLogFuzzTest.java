package io.secpipe.streams.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.vpcflow.FlowLogTopology;
import io.secpipe.streams.vpcflow.VpcFlowAnalytics;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * raw.vpcflow → vpcflow.enriched or dlq.vpcflow, for any line and any field list in its {@code secpipe.format}
 * header, with the minute windows and rule usage reading the enriched flows behind it. Seeds: FlowLogFuzzTestInputs (the first byte says whether a header follows, as the provider reads it).
 */
class FlowLogFuzzTest {

    private static OneOutcome topology;

    private static synchronized OneOutcome topology() {
        if (topology == null) {
            StreamsBuilder builder = new StreamsBuilder();
            Properties props = new Properties();
            FlowLogTopology.addTo(builder, FlowLogTopology.Config.from(props, GeoLookup.none()));
            VpcFlowAnalytics.addTo(builder, props); // the windows that read its output must survive it too
            topology = new OneOutcome(builder, "raw.vpcflow", "vpcflow.enriched", "dlq.vpcflow");
        }
        return topology;
    }

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void everyLineIsADocumentOrADeadLetter(FuzzedDataProvider data) {
        RecordHeaders headers = new RecordHeaders();
        if (data.consumeBoolean()) {
            headers.add(SecpipeHeaders.FORMAT, data.consumeString(400).getBytes(StandardCharsets.UTF_8));
        }
        byte[] line = data.consumeRemainingAsBytes();
        // a header line (field names only) sets no record's fields and is neither a document nor a dead letter
        boolean header = FlowLogFormat.isHeader(new String(line, StandardCharsets.UTF_8));
        topology().pipe(line, headers, header);
    }
}
