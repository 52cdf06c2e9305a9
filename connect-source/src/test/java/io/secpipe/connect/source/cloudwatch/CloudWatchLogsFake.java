package io.secpipe.connect.source.cloudwatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CloudWatch Logs JSON 1.1 API (FilterLogEvents, DescribeLogGroups) as WireMock serves it, backed by an
 * in-memory store the test adds events to while the connector runs. FilterLogEvents answers like the real
 * service: events in [startTime, endTime] sorted by timestamp then ingestion order, small pages, and a
 * nextToken naming the next event so events added between pages do not shift the pages.
 */
final class CloudWatchLogsFake implements AutoCloseable {

    static final String FILTER = "Logs_20140328.FilterLogEvents";
    static final String DESCRIBE_GROUPS = "Logs_20140328.DescribeLogGroups";
    private static final String JSON = "application/x-amz-json-1.1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Event(String group, String stream, long timestamp, String message, String id, long seq) {
    }

    private final Map<String, List<Event>> groups = new TreeMap<>();
    private final Map<String, AtomicInteger> throttles = new ConcurrentHashMap<>();
    private final AtomicInteger throttled = new AtomicInteger();
    private long seq;
    private final int pageSize;
    private final WireMockServer server;

    CloudWatchLogsFake(int pageSize, int delayMs) {
        this.pageSize = pageSize;
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().extensions(new Api()));
        server.start();
        // one stub for the whole API; the transformer answers by X-Amz-Target and body
        server.stubFor(post("/").willReturn(aResponse().withStatus(500).withFixedDelay(delayMs)));
    }

    String endpoint() {
        return "http://localhost:" + server.port();
    }

    synchronized void group(String name) {
        groups.computeIfAbsent(name, n -> new ArrayList<>());
    }

    /** Adds an event as if ingested now: it sorts after every earlier event with the same timestamp. */
    synchronized Event add(String group, String stream, long timestamp, String message) {
        long n = ++seq;
        // shaped like CloudWatch's 56-digit ids, unique per event
        String id = String.format("%020d%016d%020d", timestamp, n, Math.abs((group + stream).hashCode()));
        Event event = new Event(group, stream, timestamp, message, id, n);
        groups.computeIfAbsent(group, g -> new ArrayList<>()).add(event);
        return event;
    }

    synchronized boolean exists(String group) {
        return groups.containsKey(group);
    }

    synchronized List<Event> events(String group) {
        return List.copyOf(groups.getOrDefault(group, List.of()));
    }

    /** The next {@code times} FilterLogEvents requests for the group answer 400 ThrottlingException. */
    void throttle(String group, int times) {
        throttles.put(group, new AtomicInteger(times));
    }

    int throttledCount() {
        return throttled.get();
    }

    List<LoggedRequest> requests(String target) {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(target)));
    }

    @Override
    public void close() {
        server.stop();
    }

    private synchronized String filter(JsonNode request) {
        String group = request.path("logGroupName").asText();
        long start = request.path("startTime").asLong(0);
        long end = request.path("endTime").asLong(Long.MAX_VALUE);
        String streamPrefix = request.path("logStreamNamePrefix").asText("");
        int limit = Math.min(pageSize, request.path("limit").asInt(10_000));
        String[] token = request.path("nextToken").asText("").split(":");
        List<Event> matching = events(group).stream()
                .filter(e -> e.timestamp() >= start && e.timestamp() <= end && e.stream().startsWith(streamPrefix))
                .filter(e -> token.length < 2 || e.timestamp() > Long.parseLong(token[0])
                        || e.timestamp() == Long.parseLong(token[0]) && e.seq() >= Long.parseLong(token[1]))
                .sorted(Comparator.comparingLong(Event::timestamp).thenComparingLong(Event::seq))
                .toList();
        ObjectNode response = MAPPER.createObjectNode();
        ArrayNode events = response.putArray("events");
        for (Event e : matching.subList(0, Math.min(limit, matching.size()))) {
            events.addObject().put("logStreamName", e.stream()).put("timestamp", e.timestamp()).put("message", e.message())
                    .put("ingestionTime", e.timestamp() + 1).put("eventId", e.id());
        }
        response.putArray("searchedLogStreams");
        if (matching.size() > limit) {
            Event next = matching.get(limit);
            response.put("nextToken", next.timestamp() + ":" + next.seq());
        }
        return response.toString();
    }

    private synchronized String describeGroups(JsonNode request) {
        String prefix = request.path("logGroupNamePrefix").asText("");
        int from = request.path("nextToken").asInt(0);
        List<String> names = groups.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
        ObjectNode response = MAPPER.createObjectNode();
        ArrayNode page = response.putArray("logGroups");
        // one group per page, so the connector has to follow the paginator
        if (from < names.size()) {
            page.addObject().put("logGroupName", names.get(from)).put("arn", "arn:aws:logs:us-east-1:123456789012:log-group:" + names.get(from));
        }
        if (from + 1 < names.size()) {
            response.put("nextToken", String.valueOf(from + 1));
        }
        return response.toString();
    }

    private static String resource(String name) {
        try (InputStream in = CloudWatchLogsFake.class.getResourceAsStream("/cloudwatch/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Api implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            LoggedRequest request = serveEvent.getRequest();
            ResponseDefinition stub = serveEvent.getResponseDefinition();
            try {
                JsonNode body = MAPPER.readTree(request.getBodyAsString());
                String target = request.getHeader("X-Amz-Target");
                if (FILTER.equals(target)) {
                    AtomicInteger left = throttles.get(body.path("logGroupName").asText());
                    if (left != null && left.getAndDecrement() > 0) {
                        throttled.incrementAndGet();
                        return answer(stub, 400, resource("throttling.json"));
                    }
                    if (!exists(body.path("logGroupName").asText())) {
                        return answer(stub, 400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"The specified log group does not exist.\"}");
                    }
                    return answer(stub, 200, filter(body));
                }
                if (DESCRIBE_GROUPS.equals(target)) {
                    return answer(stub, 200, describeGroups(body));
                }
                return answer(stub, 400, "{\"__type\":\"UnknownOperationException\"}");
            } catch (IOException e) {
                return answer(stub, 400, "{\"__type\":\"SerializationException\",\"message\":\"" + e.getMessage() + "\"}");
            }
        }

        private ResponseDefinition answer(ResponseDefinition stub, int status, String body) {
            return ResponseDefinitionBuilder.like(stub).but().withStatus(status).withHeader("Content-Type", JSON)
                    .withHeader("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000").withBody(body).build();
        }

        @Override
        public String getName() {
            return "cloudwatch-logs-fake";
        }
    }
}
