package io.secpipe.ops.alarms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;

/**
 * WireMock standing in for two AWS APIs the way SDK v2 2.42.33 speaks them:
 * <ul>
 *   <li>OpenSearch Service, REST-JSON: {@code GET /2021-01-01/domain} (ListDomainNames) and
 *       {@code POST /2021-01-01/opensearch/domain-info} (DescribeDomains, answering only the names asked for);</li>
 *   <li>CloudWatch, Smithy RPC v2 CBOR: {@code POST /service/GraniteServiceVersion20100801/operation/<Op>} with CBOR
 *       bodies and the {@code smithy-protocol: rpc-v2-cbor} header. DescribeAlarms pages through an in-memory
 *       alarm store; PutMetricAlarm creates or replaces an alarm in it, so a later check sees what apply put.</li>
 * </ul>
 */
final class AwsFake implements AutoCloseable {

    static final String CW_PATH = "/service/GraniteServiceVersion20100801/operation/";
    static final String ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CBORMapper CBOR = new CBORMapper();

    private final Map<String, ObjectNode> alarms = new TreeMap<>();
    private final Map<String, JsonNode> domains = new TreeMap<>();
    private final int pageSize;
    private final WireMockServer server;
    private volatile int putsBeforeLimit = Integer.MAX_VALUE;

    /** @param pageSize alarms per DescribeAlarms page, small so that the paginator has to follow NextToken */
    AwsFake(int pageSize) {
        this(pageSize, "");
    }

    /** @param fixtures a folder of src/test/resources/alarms/ with its own domains.json and existing-alarms.json ("seed-003/") */
    AwsFake(int pageSize, String fixtures) {
        this.pageSize = pageSize;
        resource(fixtures + "domains.json").fields().forEachRemaining(e -> domains.put(e.getKey(), e.getValue()));
        for (JsonNode alarm : resource(fixtures + "existing-alarms.json")) {
            alarms.put(alarm.get("AlarmName").asText(), (ObjectNode) alarm);
        }
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().extensions(new Api()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
    }

    AwsClients clients() {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret"));
        URI endpoint = URI.create("http://localhost:" + server.port());
        return new AwsClients(
                OpenSearchClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                        .httpClientBuilder(ApacheHttpClient.builder()).build(),
                CloudWatchClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                        .httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    List<LoggedRequest> requests(String path) {
        return server.findAll(postRequestedFor(urlEqualTo(path)));
    }

    List<LoggedRequest> cloudWatch(String operation) {
        return requests(CW_PATH + operation);
    }

    /** Every request the server saw, in order, as "METHOD path". */
    List<String> calls() {
        List<String> calls = new ArrayList<>();
        server.getAllServeEvents().forEach(e -> calls.add(0, e.getRequest().getMethod() + " " + e.getRequest().getUrl()));
        return calls;
    }

    static JsonNode cbor(byte[] body) {
        try {
            return CBOR.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** After this many alarms PutMetricAlarm answers LimitExceededFault, as CloudWatch does at the account's alarm quota. */
    void limitPutsTo(int puts) {
        putsBeforeLimit = puts;
    }

    synchronized ObjectNode alarm(String name) {
        return alarms.get(name);
    }

    @Override
    public void close() {
        server.stop();
    }

    private synchronized byte[] describeAlarms(JsonNode request) {
        List<ObjectNode> all = new ArrayList<>(alarms.values());
        int from = request.has("NextToken") ? Integer.parseInt(request.get("NextToken").asText()) : 0;
        ObjectNode response = JSON.createObjectNode();
        ArrayNode page = response.putArray("MetricAlarms");
        all.subList(from, Math.min(from + pageSize, all.size())).forEach(page::add);
        response.putArray("CompositeAlarms");
        if (from + pageSize < all.size()) {
            response.put("NextToken", String.valueOf(from + pageSize));
        }
        return encode(response);
    }

    /** Stores the request as the alarm DescribeAlarms will show, the way CloudWatch derives one from the other. */
    private synchronized byte[] putMetricAlarm(JsonNode request) {
        ObjectNode alarm = ((ObjectNode) request).deepCopy();
        String name = alarm.get("AlarmName").asText();
        alarm.put("AlarmArn", "arn:aws:cloudwatch:us-east-1:" + ACCOUNT + ":alarm:" + name);
        alarm.put("AlarmConfigurationUpdatedTimestamp", 1.7639136E9);
        alarm.put("StateValue", "INSUFFICIENT_DATA");
        alarm.put("StateReason", "Unchecked: Initial alarm creation");
        alarm.put("StateUpdatedTimestamp", 1.7639136E9);
        for (String list : new String[] {"OKActions", "AlarmActions", "InsufficientDataActions"}) {
            if (!alarm.has(list)) {
                alarm.putArray(list);
            }
        }
        alarms.put(name, alarm);
        return encode(JSON.createObjectNode());
    }

    private JsonNode describeDomains(JsonNode request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("DomainStatusList");
        for (JsonNode name : request.get("DomainNames")) {
            if (domains.containsKey(name.asText())) {
                list.add(domains.get(name.asText()));
            }
        }
        return response;
    }

    private JsonNode listDomainNames() {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode names = response.putArray("DomainNames");
        domains.forEach((name, status) -> names.addObject().put("DomainName", name)
                .put("EngineType", status.get("EngineVersion").asText().startsWith("Elasticsearch") ? "Elasticsearch" : "OpenSearch"));
        return response;
    }

    /** JSON to CBOR; members named *Timestamp become CBOR epoch-seconds (tag 1), as RPC v2 CBOR sends timestamps. */
    static byte[] encode(JsonNode node) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (CBORGenerator out = new CBORFactory().createGenerator(bytes)) {
                write(out, node, null);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(CBORGenerator out, JsonNode node, String name) throws IOException {
        if (node.isObject()) {
            out.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                out.writeFieldName(field.getKey());
                write(out, field.getValue(), field.getKey());
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                write(out, element, null);
            }
            out.writeEndArray();
        } else if (name != null && name.endsWith("Timestamp")) {
            out.writeTag(1);
            out.writeNumber(node.asDouble());
        } else if (node.isIntegralNumber()) {
            out.writeNumber(node.asLong());
        } else if (node.isNumber()) {
            out.writeNumber(node.asDouble());
        } else if (node.isBoolean()) {
            out.writeBoolean(node.asBoolean());
        } else {
            out.writeString(node.asText());
        }
    }

    private static JsonNode resource(String name) {
        try (InputStream in = AwsFake.class.getResourceAsStream("/alarms/" + name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Api implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            LoggedRequest request = serveEvent.getRequest();
            ResponseDefinition stub = serveEvent.getResponseDefinition();
            String path = request.getUrl();
            try {
                if (path.startsWith(CW_PATH)) {
                    if (!"rpc-v2-cbor".equals(request.getHeader("smithy-protocol"))) {
                        return cborError(stub, "SerializationException", "missing smithy-protocol header");
                    }
                    JsonNode body = CBOR.readTree(request.getBody());
                    return switch (path.substring(CW_PATH.length())) {
                        case "DescribeAlarms" -> cbor(stub, describeAlarms(body));
                        case "PutMetricAlarm" -> putsBeforeLimit-- > 0 ? cbor(stub, putMetricAlarm(body))
                                : cborError(stub, "LimitExceededFault", "The maximum alarm count has been reached.");
                        default -> cborError(stub, "UnknownOperationException", path);
                    };
                }
                if (request.getMethod().getName().equals("GET") && path.equals("/2021-01-01/domain")) {
                    return json(stub, listDomainNames());
                }
                if (request.getMethod().getName().equals("POST") && path.equals("/2021-01-01/opensearch/domain-info")) {
                    return json(stub, describeDomains(JSON.readTree(request.getBodyAsString())));
                }
                return stub;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private ResponseDefinition cbor(ResponseDefinition stub, byte[] body) {
            return ResponseDefinitionBuilder.like(stub).but().withStatus(200).withHeader("Content-Type", "application/cbor")
                    .withHeader("smithy-protocol", "rpc-v2-cbor").withHeader("x-amzn-RequestId", "11111111-2222-3333-4444-555555555555")
                    .withBody(body).build();
        }

        private ResponseDefinition cborError(ResponseDefinition stub, String type, String message) {
            byte[] body = encode(JSON.createObjectNode().put("__type", "com.amazonaws.cloudwatch#" + type).put("message", message));
            return ResponseDefinitionBuilder.like(stub).but().withStatus(400).withHeader("Content-Type", "application/cbor")
                    .withHeader("smithy-protocol", "rpc-v2-cbor").withBody(body).build();
        }

        private ResponseDefinition json(ResponseDefinition stub, JsonNode body) {
            return ResponseDefinitionBuilder.like(stub).but().withStatus(200).withHeader("Content-Type", "application/json")
                    .withHeader("x-amzn-RequestId", "66666666-7777-8888-9999-000000000000").withBody(body.toString()).build();
        }

        @Override
        public String getName() {
            return "aws-fake";
        }
    }
}
