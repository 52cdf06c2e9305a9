package io.secpipe.ops.alarms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AlarmCheckTest {

    static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:search-ops";

    private final AwsFake aws = new AwsFake(2);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void stop() {
        aws.close();
    }

    private List<AlarmCheck.DomainReport> check(String prefix, String profile, String topic) {
        try (AwsClients clients = aws.clients()) {
            return new AlarmCheck(clients.openSearch(), clients.cloudWatch()).run(prefix, AlarmProfile.load(profile), topic);
        }
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachExpectedAlarmIsOkMissingOrMismatchedWithWhatDiffers() {
        List<AlarmCheck.DomainReport> reports = check("logs-prod", "aws-recommended", TOPIC);

        assertThat(reports).hasSize(1);
        AlarmCheck.DomainReport prod = reports.get(0);
        assertThat(prod.warnings()).isEmpty();
        assertThat(prod.verdicts()).extracting(v -> v.expected().metric() + " " + v.status()).containsExactly(
                "ClusterStatus.red OK",
                "ClusterStatus.yellow MISSING", // the only yellow alarm watches another account's domain
                "FreeStorageSpace MISMATCHED",
                "ClusterIndexWritesBlocked MISSING",
                "Nodes MISSING",
                "AutomatedSnapshotFailure MISSING",
                "CPUUtilization MISMATCHED", // prod-cpu-node watches one node, not the domain
                "JVMMemoryPressure MISSING",
                "OldGenJVMMemoryPressure MISSING",
                "MasterCPUUtilization MISSING",
                "MasterJVMMemoryPressure MISSING",
                "MasterOldGenJVMMemoryPressure MISSING",
                "KMSKeyError MISSING",
                "KMSKeyInaccessible MISSING");
        Verdict free = prod.verdicts().get(2);
        assertThat(free.existing().alarmName()).isEqualTo("prod-free");
        assertThat(free.differences()).containsExactly(
                new Verdict.Difference("evaluation periods", "1", "5"),
                new Verdict.Difference("datapoints to alarm", "1", "5"),
                new Verdict.Difference("threshold", "25600", "61440"));
        Verdict cpu = prod.verdicts().get(6);
        assertThat(cpu.existing().alarmName()).isEqualTo("prod-cpu");
        assertThat(cpu.differences()).containsExactly(
                new Verdict.Difference("statistic", "Maximum", "Average"),
                new Verdict.Difference("actions", "to include " + TOPIC, "[]"));
        // 3 data nodes + 3 dedicated masters
        assertThat(prod.verdicts().get(4).expected().threshold()).isEqualTo(6.0);
    }

    @Test
    void withoutATopicActionsAreNotCompared() {
        Verdict cpu = check("logs-prod", "aws-recommended", null).get(0).verdicts().get(6);

        assertThat(cpu.differences()).containsExactly(new Verdict.Difference("statistic", "Maximum", "Average"));
    }

    @Test
    void describeAlarmsIsFollowedPageByPageOverCbor() {
        check("logs-prod", "aws-recommended", null);

        List<LoggedRequest> pages = aws.cloudWatch("DescribeAlarms");
        // 7 alarms, 2 per page
        assertThat(pages).hasSize(4);
        assertThat(pages).allSatisfy(r -> {
            assertThat(r.getHeader("smithy-protocol")).isEqualTo("rpc-v2-cbor");
            assertThat(r.getHeader("Content-Type")).isEqualTo("application/cbor");
        });
        assertThat(pages).extracting(r -> AwsFake.cbor(r.getBody()).path("NextToken").asText("-")).containsExactly("-", "2", "4", "6");
        assertThat(AwsFake.cbor(pages.get(0).getBody()).get("AlarmTypes").get(0).asText()).isEqualTo("MetricAlarm");
    }

    @Test
    void domainsAreDescribedAtMostFiveAtATime() throws Exception {
        List<AlarmCheck.DomainReport> reports = check("", "aws-recommended", null);

        assertThat(reports).extracting(r -> r.domain().name())
                .containsExactly("logs-a1", "logs-a2", "logs-big", "logs-dev", "logs-hot", "logs-prod", "metrics-x");
        List<LoggedRequest> describes = aws.requests("/2021-01-01/opensearch/domain-info");
        ObjectMapper json = new ObjectMapper();
        assertThat(describes).extracting(r -> json.readTree(r.getBodyAsString()).toString()).containsExactly(
                "{\"DomainNames\":[\"logs-a1\",\"logs-a2\",\"logs-big\",\"logs-dev\",\"logs-hot\"]}",
                "{\"DomainNames\":[\"logs-prod\",\"metrics-x\"]}");
    }

    @Test
    void warningsFollowEachDomainsConfiguration() {
        List<AlarmCheck.DomainReport> reports = check("logs-", "aws-recommended", null);

        assertThat(reports.stream().filter(r -> r.domain().name().equals("logs-dev")).findFirst().orElseThrow().warnings()).containsExactly(
                "no zone awareness: one Availability Zone failure takes the domain down",
                "data-node count 1 is not a multiple of 2",
                "no dedicated master nodes",
                "not in a VPC: the endpoint is public",
                "no encryption at rest",
                "slow logs off: neither index nor search slow logs are published");
        assertThat(reports.stream().filter(r -> r.domain().name().equals("logs-hot")).findFirst().orElseThrow().warnings()).containsExactly(
                "data-node count 5 is not a multiple of 2 (its Availability Zones)",
                "even dedicated master count 2: a quorum needs an odd count (3)",
                "instance storage (no EBS): per-node storage unknown, FreeStorageSpace uses the profile's fixed threshold");
        assertThat(reports.stream().filter(r -> r.domain().name().equals("logs-a1")).findFirst().orElseThrow().warnings()).isEmpty();
    }

    @Test
    void freeStorageThresholdIsAShareOfOneNodeNotOfTheCluster() {
        List<AlarmCheck.DomainReport> reports = check("logs-", "seed-2018", null);

        // logs-big: 5 nodes of 512 GiB. The seed wanted 20% of 2560 GiB = 524288 MiB, more than any node holds.
        assertThat(threshold(reports, "logs-big", "FreeStorageSpace")).isEqualTo(104857.0);
        // logs-dev: 10 GiB per node, 20% is 2048 MiB
        assertThat(threshold(reports, "logs-dev", "FreeStorageSpace")).isEqualTo(2048.0);
        // logs-hot: instance storage, the profile's fixed value
        assertThat(threshold(reports, "logs-hot", "FreeStorageSpace")).isEqualTo(2048.0);
        List<AlarmCheck.DomainReport> recommended = check("logs-", "aws-recommended", null);
        assertThat(threshold(recommended, "logs-big", "FreeStorageSpace")).isEqualTo(131072.0);
        assertThat(threshold(recommended, "logs-hot", "FreeStorageSpace")).isEqualTo(20480.0);
    }

    @Test
    void profilesAddMasterKmsAndWarmAlarmsOnlyWhereTheDomainHasThem() {
        List<AlarmCheck.DomainReport> reports = check("logs-", "aws-recommended", null);

        assertThat(metrics(reports, "logs-dev")).containsExactly("ClusterStatus.red", "ClusterStatus.yellow", "FreeStorageSpace",
                "ClusterIndexWritesBlocked", "Nodes", "AutomatedSnapshotFailure", "CPUUtilization", "JVMMemoryPressure",
                "OldGenJVMMemoryPressure");
        // 2 warm nodes, masters, encrypted
        assertThat(metrics(reports, "logs-hot")).contains("WarmCPUUtilization", "MasterCPUUtilization", "KMSKeyError").hasSize(15);
        assertThat(metrics(check("logs-prod", "seed-2018", null), "logs-prod")).containsExactly("ClusterStatus.yellow",
                "ClusterStatus.red", "CPUUtilization", "JVMMemoryPressure", "ClusterIndexWritesBlocked", "AutomatedSnapshotFailure",
                "FreeStorageSpace", "MasterCPUUtilization", "MasterJVMMemoryPressure", "MasterReachableFromNode", "KMSKeyError",
                "KMSKeyInaccessible");
    }

    @Test
    void checkPrintsOneLinePerAlarmAndExitsOneWhenSomethingDiffers() {
        int status = new CommandLine(new AlarmsCommand.Check((region, profile) -> aws.clients(), out))
                .execute("--prefix", "logs-prod", "--sns-topic", TOPIC);

        assertThat(status).isEqualTo(AlarmsCommand.DIFFERS);
        assertThat(output()).isEqualTo("""
                logs-prod  OpenSearch_2.19, 3 x r6g.large.search, account 123456789012, profile aws-recommended
                  info        Automated snapshot hour (UTC): 0
                  info        EBS enabled: True type: gp3 size (GB): 100 3000 Iops 307200 total storage (MB)
                  info        Desired free storage set to (in MB): 25600.0
                  ok          ClusterStatus.red              prod-red
                  missing     ClusterStatus.yellow           want Maximum >= 1 for 5 x 60 s
                  mismatched  FreeStorageSpace               prod-free: evaluation periods 5 (want 1); datapoints to alarm 5 (want 1); threshold 61440 (want 25600)
                  missing     ClusterIndexWritesBlocked      want Maximum >= 1 for 1 x 300 s
                  missing     Nodes                          want Minimum < 6 for 1 x 86400 s
                  missing     AutomatedSnapshotFailure       want Maximum >= 1 for 1 x 60 s
                  mismatched  CPUUtilization                 prod-cpu: statistic Average (want Maximum); actions [] (want to include %s)
                  missing     JVMMemoryPressure              want Maximum >= 95 for 3 x 60 s
                  missing     OldGenJVMMemoryPressure        want Maximum >= 80 for 3 x 60 s
                  missing     MasterCPUUtilization           want Maximum >= 50 for 3 x 900 s
                  missing     MasterJVMMemoryPressure        want Maximum >= 95 for 3 x 60 s
                  missing     MasterOldGenJVMMemoryPressure  want Maximum >= 80 for 3 x 60 s
                  missing     KMSKeyError                    want Maximum >= 1 for 1 x 60 s
                  missing     KMSKeyInaccessible             want Maximum >= 1 for 1 x 60 s
                1 domain(s): 1 ok, 11 missing, 2 mismatched
                """.formatted(TOPIC));
    }

    @Test
    void checkPrintsJson() throws Exception {
        int status = new CommandLine(new AlarmsCommand.Check((region, profile) -> aws.clients(), out))
                .execute("--prefix", "logs-dev", "--alarm-profile", "seed-2018", "--json");

        assertThat(status).isEqualTo(AlarmsCommand.DIFFERS);
        JsonNode json = new ObjectMapper().readTree(output());
        assertThat(json.get("profile").asText()).isEqualTo("seed-2018");
        JsonNode dev = json.get("domains").get(0);
        assertThat(dev.get("domain").asText()).isEqualTo("logs-dev");
        assertThat(dev.get("warnings")).hasSize(6);
        assertThat(dev.get("alarms")).hasSize(7);
        // the seed wanted red over 5 periods; dev-red fires after 1
        assertThat(dev.get("alarms").get(1).toString()).isEqualTo("{\"metric\":\"ClusterStatus.red\",\"status\":\"mismatched\","
                + "\"alarmName\":\"dev-red\",\"expected\":{\"statistic\":\"Maximum\",\"period\":60,\"evaluationPeriods\":5,"
                + "\"comparison\":\"GreaterThanOrEqualToThreshold\",\"threshold\":1.0},\"differences\":["
                + "{\"attribute\":\"evaluation periods\",\"want\":\"5\",\"have\":\"1\"},"
                + "{\"attribute\":\"datapoints to alarm\",\"want\":\"5\",\"have\":\"1\"}]}");
        assertThat(dev.get("alarms").get(0).toString()).isEqualTo("{\"metric\":\"ClusterStatus.yellow\",\"status\":\"missing\","
                + "\"expected\":{\"statistic\":\"Maximum\",\"period\":60,\"evaluationPeriods\":5,"
                + "\"comparison\":\"GreaterThanOrEqualToThreshold\",\"threshold\":1.0},\"differences\":[]}");
    }

    @Test
    void anUnknownProfileIsAnErrorNotACrash() {
        int status = new CommandLine(new AlarmsCommand.Check((region, profile) -> aws.clients(), out))
                .execute("--alarm-profile", "nonsense");

        assertThat(status).isEqualTo(AlarmsCommand.FAILED);
        assertThat(aws.calls()).isEmpty();
    }

    private static double threshold(List<AlarmCheck.DomainReport> reports, String domain, String metric) {
        return reports.stream().filter(r -> r.domain().name().equals(domain)).flatMap(r -> r.verdicts().stream())
                .filter(v -> v.expected().metric().equals(metric)).findFirst().orElseThrow().expected().threshold();
    }

    private static List<String> metrics(List<AlarmCheck.DomainReport> reports, String domain) {
        return reports.stream().filter(r -> r.domain().name().equals(domain)).flatMap(r -> r.verdicts().stream())
                .map(v -> v.expected().metric()).toList();
    }
}
