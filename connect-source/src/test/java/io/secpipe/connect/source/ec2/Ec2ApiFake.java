package io.secpipe.connect.source.ec2;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The EC2 Query API on WireMock: POST / with a form body naming the Action, XML answers. Stubs match
 * the region through the SigV4 credential scope in the Authorization header, and the page through NextToken.
 */
final class Ec2ApiFake implements AutoCloseable {

    static final String SCENARIO = "inventory";
    private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    Ec2ApiFake() {
        server.start();
    }

    String url() {
        return "http://localhost:" + server.port();
    }

    /** One page of an action's answer in a region, in a scenario state (null: any state). */
    void page(String region, String action, String state, String requestToken, String nextToken, String... items) {
        MappingBuilder request = post(urlPathEqualTo("/"))
                .withHeader("Authorization", containing("/" + region + "/ec2/aws4_request"))
                .withRequestBody(containing("Action=" + action + "&"))
                .withRequestBody(requestToken == null ? notContaining("NextToken") : containing("NextToken=" + requestToken));
        if (state != null) {
            request = request.inScenario(SCENARIO).whenScenarioStateIs(state);
        }
        server.stubFor(request.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml;charset=UTF-8")
                .withBody(response(action, nextToken, items))));
    }

    /** The page answers 503 in that state (the SDK retries, then gives up). */
    void failure(String region, String action, String state, String requestToken) {
        server.stubFor(post(urlPathEqualTo("/"))
                .withHeader("Authorization", containing("/" + region + "/ec2/aws4_request"))
                .withRequestBody(containing("Action=" + action + "&"))
                .withRequestBody(containing("NextToken=" + requestToken))
                .inScenario(SCENARIO).whenScenarioStateIs(state)
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "text/xml;charset=UTF-8")
                        .withBody("<Response><Errors><Error><Code>Unavailable</Code><Message>try later</Message></Error></Errors>"
                                + "<RequestID>0d5e7f4e-0000-4000-8000-000000000000</RequestID></Response>")));
    }

    /** Requests answered with a 503 so far. */
    int failures() {
        return (int) server.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 503).count();
    }

    void state(String state) {
        server.setScenarioState(SCENARIO, state);
    }

    static String response(String action, String nextToken, String... items) {
        String set = switch (action) {
            case "DescribeNetworkInterfaces" -> "networkInterfaceSet";
            case "DescribeSecurityGroups" -> "securityGroupInfo";
            case "DescribeInstances" -> "reservationSet";
            default -> throw new IllegalArgumentException(action);
        };
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NS + "\">"
                + "<requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>"
                + "<" + set + ">" + String.join("", items) + "</" + set + ">"
                + (nextToken == null ? "" : "<nextToken>" + nextToken + "</nextToken>")
                + "</" + action + "Response>";
    }

    /** A test resource as text, e.g. {@code ec2/api/eni-....xml}. */
    static String resource(String name) {
        try (InputStream in = Ec2ApiFake.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return Ec2Documents.JSON.readTree(resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small ENI item: enough for a key and a document. */
    static String eni(String id, String zone) {
        return "<item><networkInterfaceId>" + id + "</networkInterfaceId><ownerId>111122223333</ownerId>"
                + "<availabilityZone>" + zone + "</availabilityZone><status>in-use</status><interfaceType>interface</interfaceType>"
                + "<privateIpAddress>10.99.0.1</privateIpAddress><groupSet/><privateIpAddressesSet/><ipv6AddressesSet/></item>";
    }

    @Override
    public void close() {
        server.stop();
    }
}
