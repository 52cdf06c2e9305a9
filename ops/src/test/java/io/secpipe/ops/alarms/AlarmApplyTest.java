package io.secpipe.ops.alarms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AlarmApplyTest {

    static final String TOPIC = AlarmCheckTest.TOPIC;

    private final AwsFake aws = new AwsFake(2);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void stop() {
        aws.close();
    }

    private int apply(String... args) {
        bytes.reset();
        return new CommandLine(new AlarmsCommand.Apply((region, profile) -> aws.clients(), out)).execute(args);
    }

    private int check(String... args) {
        bytes.reset();
        return new CommandLine(new AlarmsCommand.Check((region, profile) -> aws.clients(), out)).execute(args);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private List<JsonNode> puts() {
        return aws.cloudWatch("PutMetricAlarm").stream().map(r -> AwsFake.cbor(r.getBody())).toList();
    }

    @Test
    void applyPutsOnlyWhatDiffersAndASecondApplyChangesNothing() {
        assertThat(apply("--prefix", "logs-prod", "--sns-topic", TOPIC)).isZero();

        List<JsonNode> puts = puts();
        // 11 missing + 2 mismatched; prod-red was right and is left alone
        assertThat(puts).extracting(p -> p.get("AlarmName").asText()).containsExactly(
                "secpipe-logs-prod-ClusterStatus.yellow", "prod-free", "secpipe-logs-prod-ClusterIndexWritesBlocked",
                "secpipe-logs-prod-Nodes", "secpipe-logs-prod-AutomatedSnapshotFailure", "prod-cpu",
                "secpipe-logs-prod-JVMMemoryPressure", "secpipe-logs-prod-OldGenJVMMemoryPressure",
                "secpipe-logs-prod-MasterCPUUtilization", "secpipe-logs-prod-MasterJVMMemoryPressure",
                "secpipe-logs-prod-MasterOldGenJVMMemoryPressure", "secpipe-logs-prod-KMSKeyError", "secpipe-logs-prod-KMSKeyInaccessible");
        // the request on the wire, decoded from CBOR (the SDK sends a whole double as a CBOR integer, as RPC v2 allows;
        // the fake stores it so, and DescribeAlarms hands it back as an integer that the SDK reads as a double)
        assertThat(puts.get(0).toString()).isEqualTo("{\"AlarmName\":\"secpipe-logs-prod-ClusterStatus.yellow\","
                + "\"AlarmDescription\":\"secpipe aws-recommended: ClusterStatus.yellow Maximum >= 1 for 5 x 60 s\","
                + "\"ActionsEnabled\":true,\"AlarmActions\":[\"" + TOPIC + "\"],\"MetricName\":\"ClusterStatus.yellow\","
                + "\"Namespace\":\"AWS/ES\",\"Statistic\":\"Maximum\",\"Dimensions\":[{\"Name\":\"DomainName\",\"Value\":\"logs-prod\"},"
                + "{\"Name\":\"ClientId\",\"Value\":\"123456789012\"}],\"Period\":60,\"EvaluationPeriods\":5,\"DatapointsToAlarm\":5,"
                + "\"Threshold\":1,\"ComparisonOperator\":\"GreaterThanOrEqualToThreshold\"}");
        // a mismatched alarm keeps its name, description, other actions and missing-data treatment
        assertThat(puts.get(1).toString()).isEqualTo("{\"AlarmName\":\"prod-free\",\"AlarmDescription\":\"set up by hand\","
                + "\"ActionsEnabled\":true,\"OKActions\":[],\"AlarmActions\":[\"" + TOPIC + "\"],\"InsufficientDataActions\":[],"
                + "\"MetricName\":\"FreeStorageSpace\",\"Namespace\":\"AWS/ES\",\"Statistic\":\"Minimum\",\"Dimensions\":["
                + "{\"Name\":\"DomainName\",\"Value\":\"logs-prod\"},{\"Name\":\"ClientId\",\"Value\":\"123456789012\"}],"
                + "\"Period\":60,\"EvaluationPeriods\":1,\"DatapointsToAlarm\":1,\"Threshold\":25600,"
                + "\"ComparisonOperator\":\"LessThanOrEqualToThreshold\",\"TreatMissingData\":\"missing\"}");
        assertThat(aws.alarm("prod-cpu").get("AlarmActions").toString()).isEqualTo("[\"" + TOPIC + "\"]");

        assertThat(apply("--prefix", "logs-prod", "--sns-topic", TOPIC)).isZero();
        assertThat(output()).endsWith("Desired free storage set to (in MB): 25600.0\nnothing to change\n");
        assertThat(puts()).hasSize(13);

        assertThat(check("--prefix", "logs-prod", "--sns-topic", TOPIC)).isZero();
        assertThat(output()).endsWith("1 domain(s): 14 ok, 0 missing, 0 mismatched\n");
    }

    @Test
    void dryRunPrintsWhatItWouldPutAndPutsNothing() {
        assertThat(apply("--prefix", "logs-prod", "--dry-run")).isZero();

        assertThat(aws.cloudWatch("PutMetricAlarm")).isEmpty();
        assertThat(output()).isEqualTo("""
                logs-prod  Automated snapshot hour (UTC): 0
                logs-prod  EBS enabled: True type: gp3 size (GB): 100 3000 Iops 307200 total storage (MB)
                logs-prod  Desired free storage set to (in MB): 25600.0
                would create secpipe-logs-prod-ClusterStatus.yellow: Maximum >= 1 for 5 x 60 s (missing)
                would update prod-free: Minimum <= 25600 for 1 x 60 s (evaluation periods 5 (want 1); datapoints to alarm 5 (want 1); threshold 61440 (want 25600))
                would create secpipe-logs-prod-ClusterIndexWritesBlocked: Maximum >= 1 for 1 x 300 s (missing)
                would create secpipe-logs-prod-Nodes: Minimum < 6 for 1 x 86400 s (missing)
                would create secpipe-logs-prod-AutomatedSnapshotFailure: Maximum >= 1 for 1 x 60 s (missing)
                would update prod-cpu: Maximum >= 80 for 3 x 900 s (statistic Average (want Maximum))
                would create secpipe-logs-prod-JVMMemoryPressure: Maximum >= 95 for 3 x 60 s (missing)
                would create secpipe-logs-prod-OldGenJVMMemoryPressure: Maximum >= 80 for 3 x 60 s (missing)
                would create secpipe-logs-prod-MasterCPUUtilization: Maximum >= 50 for 3 x 900 s (missing)
                would create secpipe-logs-prod-MasterJVMMemoryPressure: Maximum >= 95 for 3 x 60 s (missing)
                would create secpipe-logs-prod-MasterOldGenJVMMemoryPressure: Maximum >= 80 for 3 x 60 s (missing)
                would create secpipe-logs-prod-KMSKeyError: Maximum >= 1 for 1 x 60 s (missing)
                would create secpipe-logs-prod-KMSKeyInaccessible: Maximum >= 1 for 1 x 60 s (missing)
                would put 13 alarm(s)
                """);
        // a dry run only reads
        assertThat(aws.calls()).allMatch(c -> c.equals("GET /2021-01-01/domain") || c.equals("POST /2021-01-01/opensearch/domain-info")
                || c.equals("POST " + AwsFake.CW_PATH + "DescribeAlarms"));
    }

    @Test
    void seedProfileAppliesItsOwnDefinitionsIdempotentlyToo() {
        assertThat(apply("--prefix", "logs-", "--alarm-profile", "seed-2018")).isZero();
        int first = puts().size();

        assertThat(apply("--prefix", "logs-", "--alarm-profile", "seed-2018", "--json")).isZero();
        assertThat(output()).isEqualTo("{\n  \"dryRun\" : false,\n  \"changes\" : [ ]\n}\n");
        assertThat(puts()).hasSize(first);
        JsonNode big = puts().stream().filter(p -> p.get("AlarmName").asText().equals("secpipe-logs-big-FreeStorageSpace"))
                .findFirst().orElseThrow();
        assertThat(big.get("Threshold").asDouble()).isEqualTo(104857.0);
    }

    @Test
    void anAlarmTheServiceRefusesEndsApplyWithExitTwoAndItsMessage() {
        aws.limitPutsTo(2);
        PrintStream stderr = System.err;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        try {
            assertThat(apply("--prefix", "logs-prod")).isEqualTo(AlarmsCommand.FAILED);
        } finally {
            System.setErr(stderr);
        }

        assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("secpipe alarms: The maximum alarm count has been reached.");
        assertThat(output()).isEqualTo("""
                logs-prod  Automated snapshot hour (UTC): 0
                logs-prod  EBS enabled: True type: gp3 size (GB): 100 3000 Iops 307200 total storage (MB)
                logs-prod  Desired free storage set to (in MB): 25600.0
                create secpipe-logs-prod-ClusterStatus.yellow: Maximum >= 1 for 5 x 60 s (missing)
                update prod-free: Minimum <= 25600 for 1 x 60 s (evaluation periods 5 (want 1); datapoints to alarm 5 (want 1); threshold 61440 (want 25600))
                """);
        assertThat(aws.alarm("secpipe-logs-prod-ClusterStatus.yellow")).isNotNull();
        assertThat(aws.alarm("secpipe-logs-prod-ClusterIndexWritesBlocked")).isNull();
    }
}
