package io.secpipe.ops.alarms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The examples of seed 003's alarm scripts (src/test/resources/alarms/seed-003/README.md), run with the seed's own
 * options against the seed-2018 profile: the seed's numbers and lines come out.
 */
class SeedExamplesTest {

    static final String SEED_TOPIC = "arn:aws:sns:us-west-2:123456789012:sendnotification";

    private final AwsFake aws = new AwsFake(50, "seed-003/");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final List<String> regions = new ArrayList<>();

    @AfterEach
    void stop() {
        aws.close();
    }

    private int check(String... args) {
        return new CommandLine(new AlarmsCommand.Check((region, profile) -> {
            regions.add(region + " " + profile);
            return aws.clients();
        }, out)).execute(args);
    }

    private int apply(String... args) {
        return new CommandLine(new AlarmsCommand.Apply((region, profile) -> {
            regions.add(region + " " + profile);
            return aws.clients();
        }, out)).execute(args);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCheckersExampleGivesTheSeeds819Point2MbAndItsFindings() {
        int status = check("-r", "us-west-2", "-e", "iot", "-n", "['" + SEED_TOPIC + "']", "--alarm-profile", "seed-2018");

        assertThat(status).isEqualTo(AlarmsCommand.DIFFERS);
        assertThat(output()).isEqualTo("""
                iotfleet  Elasticsearch_5.3, 1 x m3.medium.elasticsearch, account 123456789012, profile seed-2018
                  info        Automated snapshot hour (UTC): 0
                  info        Instance storage definition is: 4 GB; free storage calced to: 819.2 MB
                  info        Desired free storage set to (in MB): 819.2
                  warn        no zone awareness: one Availability Zone failure takes the domain down
                  warn        data-node count 1 is not a multiple of 2
                  warn        no dedicated master nodes
                  warn        not in a VPC: the endpoint is public
                  warn        no encryption at rest
                  warn        slow logs off: neither index nor search slow logs are published
                  warn        EBS not in use: instance storage only
                  ok          ClusterStatus.yellow           Test-Elasticsearch-iotfleet-ClusterStatus.yellow-Alarm
                  ok          ClusterStatus.red              Test-Elasticsearch-iotfleet-ClusterStatus.red-Alarm
                  ok          CPUUtilization                 Test-Elasticsearch-iotfleet-CPUUtilization-Alarm
                  ok          JVMMemoryPressure              Test-Elasticsearch-iotfleet-JVMMemoryPressure-Alarm
                  missing     ClusterIndexWritesBlocked      want Maximum >= 1 for 5 x 60 s
                  ok          AutomatedSnapshotFailure       Test-Elasticsearch-iotfleet-AutomatedSnapshotFailure-Alarm
                  mismatched  FreeStorageSpace               Test-Elasticsearch-iotfleet-FreeStorageSpace-Alarm: threshold 3000 (want 819.2)
                1 domain(s): 5 ok, 1 missing, 1 mismatched
                """);
        assertThat(regions).containsExactly("us-west-2 null");
    }

    @Test
    void theCheckersJsonCarriesTheInformationalLines() throws Exception {
        check("--prefix", "iotfleet", "--alarm-profile", "seed-2018", "--json");

        JsonNode iotfleet = new ObjectMapper().readTree(output()).get("domains").get(0);
        assertThat(iotfleet.get("info").toString()).isEqualTo("[\"Automated snapshot hour (UTC): 0\","
                + "\"Instance storage definition is: 4 GB; free storage calced to: 819.2 MB\",\"Desired free storage set to (in MB): 819.2\"]");
        assertThat(iotfleet.get("alarms").get(6).get("expected").get("threshold").asDouble()).isEqualTo(819.2);
    }

    @Test
    void theCreatorsExampleMakesTheSevenAlarmsOnExactlyThatDomainWithTheSeedsActions() {
        int status = apply("-r", "us-west-2", "-c", "ver", "-n", "['" + SEED_TOPIC + "']", "--alarm-profile", "seed-2018");

        assertThat(status).isZero();
        assertThat(output()).startsWith("""
                ver  Automated snapshot hour (UTC): 0
                ver  EBS enabled: True type: gp2 size (GB): 10 No Iops 10240 total storage (MB)
                ver  Desired free storage set to (in MB): 2048.0
                create secpipe-ver-ClusterStatus.yellow: Maximum >= 1 for 5 x 60 s (missing)
                """);
        List<JsonNode> puts = aws.cloudWatch("PutMetricAlarm").stream().map(r -> AwsFake.cbor(r.getBody())).toList();
        assertThat(puts).extracting(p -> p.get("MetricName").asText()).containsExactlyInAnyOrder("ClusterStatus.yellow",
                "ClusterStatus.red", "CPUUtilization", "JVMMemoryPressure", "FreeStorageSpace", "ClusterIndexWritesBlocked",
                "AutomatedSnapshotFailure");
        assertThat(puts).allSatisfy(p -> {
            assertThat(p.get("Dimensions").get(0).get("Value").asText()).isEqualTo("ver");
            assertThat(p.get("AlarmActions").toString()).isEqualTo("[\"" + SEED_TOPIC + "\"]");
        });
        assertThat(puts.stream().filter(p -> p.get("MetricName").asText().equals("FreeStorageSpace")).findFirst().orElseThrow()
                .get("Threshold").asDouble()).isEqualTo(2048.0);
    }

    @Test
    void aNamedDomainThatDoesNotExistIsAnErrorAndPrefixAndDomainExcludeEachOther() {
        assertThat(check("-c", "ve")).as("-c is not a prefix").isEqualTo(AlarmsCommand.FAILED);
        assertThat(aws.cloudWatch("DescribeAlarms")).isEmpty();
        assertThat(check("-c", "ver", "--prefix", "ver")).isEqualTo(AlarmsCommand.FAILED);
    }

    @Test
    void severalActionsAreRequiredOfEveryAlarm() {
        String other = "arn:aws:sns:us-west-2:123456789012:pager";
        check("-c", "iotfleet", "--alarm-profile", "seed-2018", "-n", "['" + SEED_TOPIC + "', '" + other + "']");

        assertThat(output()).contains("  mismatched  ClusterStatus.red              Test-Elasticsearch-iotfleet-ClusterStatus.red-Alarm: actions ["
                + SEED_TOPIC + "] (want to include " + other + ")\n");
        assertThat(AlarmsCommand.parseActions("['a', 'b']")).containsExactly("a", "b");
        assertThat(AlarmsCommand.parseActions("[\"a\"]")).containsExactly("a");
        assertThat(AlarmsCommand.parseActions("a,b")).containsExactly("a", "b");
    }

    @Test
    void freeSetsTheThresholdOfNodesOfUnknownStorageNeverBelowTheSeeds2048() {
        try (AwsFake logs = new AwsFake(50)) {
            // logs-hot: i3.large on instance storage, not in the seed's table
            assertThat(freeStorage(logs, "seed-2018", "-f", "1000")).isEqualTo("2048");
            assertThat(freeStorage(logs, "seed-2018", "-f", "5000")).isEqualTo("5000");
            assertThat(freeStorage(logs, "aws-recommended", "--free", "5000")).isEqualTo("5000");
            assertThat(freeStorage(logs, "aws-recommended")).isEqualTo("20480");
        }
    }

    private String freeStorage(AwsFake fake, String... args) throws RuntimeException {
        bytes.reset();
        List<String> all = new ArrayList<>(List.of("-c", "logs-hot", "--json", "--alarm-profile"));
        all.addAll(List.of(args));
        new CommandLine(new AlarmsCommand.Check((region, profile) -> fake.clients(), out)).execute(all.toArray(String[]::new));
        try {
            for (JsonNode a : new ObjectMapper().readTree(output()).get("domains").get(0).get("alarms")) {
                if (a.get("metric").asText().equals("FreeStorageSpace")) {
                    return Numbers.format(a.get("expected").get("threshold").asDouble());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no FreeStorageSpace alarm");
    }

    @Test
    void theRegionDefaultsAsInTheSeedWhenNothingNamesOne() {
        assertThat(AwsClients.region("eu-west-1", () -> "ap-south-1")).isEqualTo("eu-west-1");
        assertThat(AwsClients.region(null, () -> "ap-south-1")).isEqualTo("ap-south-1");
        assertThat(AwsClients.region(null, () -> {
            throw SdkClientException.create("Unable to load region from any of the providers in the chain");
        })).isEqualTo("us-east-1");
        check("-p", "ops", "-c", "iotfleet");
        assertThat(regions).containsExactly("null ops");
    }
}
