package io.secpipe.streams.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.ossec.OssecTopology;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;

/** raw.ossec → ossec.alerts or dlq.ossec, for any bytes; seeds: an OSSEC 2.x and a Wazuh 4.x alert. */
class OssecAlertFuzzTest {

    private static OneOutcome topology;

    private static synchronized OneOutcome topology() {
        if (topology == null) {
            StreamsBuilder builder = new StreamsBuilder();
            OssecTopology.addTo(builder, OssecTopology.Config.from(new Properties()), GeoLookup.none());
            topology = new OneOutcome(builder, "raw.ossec", "ossec.alerts", "dlq.ossec");
        }
        return topology;
    }

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void everyAlertIsADocumentOrADeadLetter(byte[] raw) {
        topology().pipe(raw, new RecordHeaders(), false);
    }
}
