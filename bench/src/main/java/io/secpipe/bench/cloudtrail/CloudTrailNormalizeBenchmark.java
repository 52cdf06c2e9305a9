package io.secpipe.bench.cloudtrail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.cloudtrail.CloudTrailNormalizer;
import io.secpipe.streams.cloudtrail.CloudTrailTopology;
import io.secpipe.streams.cloudtrail.EventPattern;
import io.secpipe.streams.geo.GeoLookup;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One CloudTrail record to document bytes: parse, build the envelope, match the seed's pattern, normalize,
 * serialize. Also the cost of a record the pattern rejects (most of a trail). Records/s on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CloudTrailNormalizeBenchmark {

    static final byte[] RUN_INSTANCES = ("{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":"
            + "\"AROAEXAMPLE00000001:alice\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/Deployer/alice\",\"accountId\":"
            + "\"111122223333\",\"accessKeyId\":\"ASIAEXAMPLE000000001\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
            + "\"principalId\":\"AROAEXAMPLE00000001\",\"arn\":\"arn:aws:iam::111122223333:role/Deployer\",\"accountId\":"
            + "\"111122223333\",\"userName\":\"Deployer\"},\"attributes\":{\"creationDate\":\"2026-11-02T08:00:00Z\","
            + "\"mfaAuthenticated\":\"false\"}}},\"eventTime\":\"2026-11-02T08:15:30Z\",\"eventSource\":\"ec2.amazonaws.com\","
            + "\"eventName\":\"RunInstances\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"198.51.100.44\",\"userAgent\":"
            + "\"aws-cli/2.15.0\",\"requestParameters\":{\"instancesSet\":{\"items\":[{\"imageId\":\"ami-0abc0000000000001\","
            + "\"minCount\":1,\"maxCount\":1}]},\"instanceType\":\"t3.micro\"},\"responseElements\":{\"requestId\":"
            + "\"11111111-2222-3333-4444-555555555555\",\"reservationId\":\"r-0abc00000000000a1\",\"ownerId\":\"111122223333\","
            + "\"instancesSet\":{\"items\":[{\"instanceId\":\"i-0bbb0000000000001\",\"imageId\":\"ami-0abc0000000000001\","
            + "\"currentState\":{\"code\":0,\"name\":\"pending\"},\"instanceType\":\"t3.micro\",\"placement\":"
            + "{\"availabilityZone\":\"eu-west-1a\"}}]}},\"requestID\":\"11111111-2222-3333-4444-555555555555\",\"eventID\":"
            + "\"e1a00000-0000-4000-8000-000000000001\",\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
            + "\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Management\"}").getBytes(StandardCharsets.UTF_8);
    static final byte[] DESCRIBE = new String(RUN_INSTANCES, StandardCharsets.UTF_8)
            .replace("RunInstances", "DescribeInstances").getBytes(StandardCharsets.UTF_8);

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CloudTrailNormalizer normalizer = new CloudTrailNormalizer(GeoLookup.none());
    private final EventPattern pattern = EventPattern.compile(CloudTrailTopology.DEFAULT_PATTERN);

    @Benchmark
    public byte[] matchedRecord() throws Exception {
        return run(RUN_INSTANCES);
    }

    @Benchmark
    public byte[] unmatchedRecord() throws Exception {
        return run(DESCRIBE);
    }

    private byte[] run(byte[] raw) throws Exception {
        ObjectNode envelope = normalizer.envelopes(raw).get(0);
        return pattern.matches(envelope) ? JSON.writeValueAsBytes(normalizer.document(envelope)) : null;
    }
}
