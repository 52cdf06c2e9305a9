package io.secpipe.connect.source.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.secpipe.connect.source.ec2.Ec2Documents.Kind;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The one mapping: CLI JSON files and SDK answers from the Query API become the same documents. */
class Ec2DocumentsTest {

    private static Ec2ApiFake fake;
    private static Ec2Client client;

    @BeforeAll
    static void start() {
        fake = new Ec2ApiFake();
        client = Ec2Client.builder().region(Region.EU_WEST_1).endpointOverride(URI.create(fake.url()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        fake.close();
    }

    @Test
    void cliFilesBecomeTheDocumentsTheJoinsUse() {
        JsonNode enis = Ec2ApiFake.json("ec2/cli/network-interfaces.json").get("NetworkInterfaces");
        assertThat(doc(Kind.ENI, enis.get(0), null)).isEqualTo(Ec2ApiFake.json("ec2/expected/eni-0a1b2c3d4e5f60001.json"));
        JsonNode unattached = doc(Kind.ENI, enis.get(1), null);
        assertThat(unattached.has("instance_id")).isFalse();
        assertThat(unattached.get("region").asText()).isEqualTo("eu-west-1"); // from the zone eu-west-1c
        assertThat(unattached.get("public_ips")).isEmpty();
        assertThat(unattached.get("security_group_ids")).isEmpty();

        JsonNode groups = Ec2ApiFake.json("ec2/cli/security-groups.json").get("SecurityGroups");
        assertThat(doc(Kind.SECURITY_GROUP, groups.get(0), null)).isEqualTo(Ec2ApiFake.json("ec2/expected/sg-0f00000000000000a.json"));

        List<JsonNode> instances = Ec2Documents.instancesOf(Ec2ApiFake.json("ec2/cli/instances.json").get("Reservations").get(0));
        assertThat(doc(Kind.INSTANCE, instances.get(0), null)).isEqualTo(Ec2ApiFake.json("ec2/expected/i-0aaa0000000000001.json"));
        assertThat(doc(Kind.INSTANCE, instances.get(1), null).get("account_id").asText()).isEqualTo("111122223333");
    }

    @Test
    void theQueryApiThroughTheSdkGivesTheSameDocumentsAsTheCli() {
        fake.page("eu-west-1", "DescribeNetworkInterfaces", null, null, "page-2",
                Ec2ApiFake.resource("ec2/api/eni-0a1b2c3d4e5f60001.xml"));
        fake.page("eu-west-1", "DescribeNetworkInterfaces", null, "page-2", null,
                Ec2ApiFake.resource("ec2/api/eni-0a1b2c3d4e5f60002.xml"));
        fake.page("eu-west-1", "DescribeSecurityGroups", null, null, null,
                Ec2ApiFake.resource("ec2/api/sg-0f00000000000000a.xml"), Ec2ApiFake.resource("ec2/api/sg-0f00000000000000c.xml"));
        fake.page("eu-west-1", "DescribeInstances", null, null, null,
                Ec2ApiFake.resource("ec2/api/reservation-0abc00000000000a1.xml"));

        List<JsonNode> fromApi = new ArrayList<>();
        client.describeNetworkInterfacesPaginator(r -> r.maxResults(1000)).networkInterfaces()
                .forEach(eni -> fromApi.add(doc(Kind.ENI, Ec2Documents.toCliJson(eni), "eu-west-1")));
        client.describeSecurityGroupsPaginator(r -> r.maxResults(1000)).securityGroups()
                .forEach(sg -> fromApi.add(doc(Kind.SECURITY_GROUP, Ec2Documents.toCliJson(sg), "eu-west-1")));
        client.describeInstancesPaginator(r -> r.maxResults(1000)).reservations()
                .forEach(r -> Ec2Documents.instancesOf(Ec2Documents.toCliJson(r))
                        .forEach(i -> fromApi.add(doc(Kind.INSTANCE, i, "eu-west-1"))));

        List<JsonNode> fromCli = new ArrayList<>();
        Ec2ApiFake.json("ec2/cli/network-interfaces.json").get("NetworkInterfaces").forEach(n -> fromCli.add(doc(Kind.ENI, n, null)));
        Ec2ApiFake.json("ec2/cli/security-groups.json").get("SecurityGroups").forEach(n -> fromCli.add(doc(Kind.SECURITY_GROUP, n, null)));
        Ec2ApiFake.json("ec2/cli/instances.json").get("Reservations")
                .forEach(r -> Ec2Documents.instancesOf(r).forEach(i -> fromCli.add(doc(Kind.INSTANCE, i, null))));

        assertThat(fromApi).hasSize(6).containsExactlyElementsOf(fromCli);
    }

    @Test
    void aResourceWithoutItsIdIsRefused() {
        JsonNode noId = Ec2ApiFake.json("ec2/cli/network-interfaces.json").get("NetworkInterfaces").get(1).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) noId).remove("NetworkInterfaceId");
        assertThatThrownBy(() -> Ec2Documents.toDocument(Kind.ENI, noId, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NetworkInterfaceId");
    }

    @Test
    void theRegionOfAZoneIsItsPrefix() {
        assertThat(Ec2Documents.regionOfZone("eu-west-1a")).isEqualTo("eu-west-1");
        assertThat(Ec2Documents.regionOfZone("us-west-2-lax-1a")).isEqualTo("us-west-2");
        assertThat(Ec2Documents.regionOfZone("us-gov-east-1b")).isEqualTo("us-gov-east-1");
        assertThat(Ec2Documents.regionOfZone("ap-southeast-4c")).isEqualTo("ap-southeast-4");
        assertThat(Ec2Documents.regionOfZone(null)).isNull();
    }

    private static JsonNode doc(Kind kind, JsonNode resource, String region) {
        return Ec2Documents.toDocument(kind, resource, region);
    }
}
