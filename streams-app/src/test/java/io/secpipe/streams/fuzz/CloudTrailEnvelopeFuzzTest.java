package io.secpipe.streams.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.secpipe.streams.cloudtrail.CloudTrailTopology;
import io.secpipe.streams.ec2.Ec2EnforcerTopology;
import io.secpipe.streams.geo.GeoLookup;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * raw.cloudtrail → cloudtrail.ec2, dlq.cloudtrail, or nothing when the EC2 pattern does not match (counted, not an
 * error), for inputs grown from an EventBridge envelope of a CloudTrail call (seed: StopInstances).
 */
class CloudTrailEnvelopeFuzzTest {

    private static OneOutcome topology;

    private static synchronized OneOutcome topology() {
        if (topology == null) {
            StreamsBuilder builder = new StreamsBuilder();
            Properties props = new Properties();
            CloudTrailTopology.addTo(builder, CloudTrailTopology.Config.from(props), GeoLookup.none());
            Ec2EnforcerTopology.addTo(builder, Ec2EnforcerTopology.Config.from(props)); // reads the matched calls
            topology = new OneOutcome(builder, "raw.cloudtrail", "cloudtrail.ec2", "dlq.cloudtrail");
        }
        return topology;
    }

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void everyEnvelopeIsMatchedFilteredOrDeadLettered(byte[] raw) {
        topology().pipe(raw, new RecordHeaders(), true);
    }
}
