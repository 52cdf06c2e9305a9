package io.secpipe.streams.ossec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.geo.GeoLookup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OssecTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Answers for one public address only, as a real database would not for private ones. */
    private static final GeoLookup FAKE_GEO = ip -> ip.equals("203.0.113.7")
            ? Optional.of((ObjectNode) JSON.createObjectNode().put("country_iso_code", "ZZ").put("city_name", "Testville"))
            : Optional.empty();

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> raw;
    private TestOutputTopic<String, String> alerts;
    private TestOutputTopic<String, String> minute;
    private TestOutputTopic<String, String> deadLetters;

    private void start(GeoLookup geo) {
        StreamsBuilder builder = new StreamsBuilder();
        OssecTopology.addTo(builder, OssecTopology.Config.from(new Properties()), geo);
        driver = new TopologyTestDriver(builder.build());
        raw = driver.createInputTopic("raw.ossec", Serdes.String().serializer(), Serdes.String().serializer());
        alerts = driver.createOutputTopic("ossec.alerts", Serdes.String().deserializer(), Serdes.String().deserializer());
        minute = driver.createOutputTopic("ossec.minute", Serdes.String().deserializer(), Serdes.String().deserializer());
        deadLetters = driver.createOutputTopic("dlq.ossec", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = OssecTopologyTest.class.getResourceAsStream("/ossec/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static Headers headers(String id) {
        Headers headers = new RecordHeaders();
        headers.add(SecpipeHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        headers.add(SecpipeHeaders.SOURCE, "file:/var/ossec/logs/alerts/alerts.json#1".getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The seed's HIDS fields and example query, copied from seed 003 (the lines "name – description", then "query: ..."). */
    static List<String> seedLines() throws IOException {
        try (InputStream in = OssecTopologyTest.class.getResourceAsStream("/seed/003-hids-fields.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
    }

    /**
     * Through CloudWatch Logs (one stream per instance, as the seed's agent writes), an alert keeps the seed's
     * {@code @log_group}, {@code @log_stream}, {@code @owner} and {@code @message}, so the seed's query finds it
     * by instance: rule.level 6, the stream, srcip.
     */
    @Test
    void alertsThroughCloudWatchLogsCarryTheSeedsLogFields() throws IOException {
        List<String> seed = seedLines();
        List<String> seedFields = seed.stream().filter(l -> l.contains(" – ")).map(l -> l.substring(0, l.indexOf(" – "))).toList();
        String query = seed.stream().filter(l -> l.startsWith("query: ")).findFirst().orElseThrow();
        String instance = query.replaceAll(".*@log_stream: \"([^\"]+)\".*", "$1");
        assertThat(instance).isEqualTo("i-0e427a8594852eca2");

        start(FAKE_GEO);
        String line = "{\"rule\":{\"level\":6,\"comment\":\"SSH insecure connection attempt (scan).\",\"sidid\":5706,"
                + "\"group\":\"syslog,sshd,recon,\"},\"srcip\":\"10.10.10.10\",\"full_log\":\"Nov 16 21:20:00 ip-10-0-0-5 sshd[2154]: "
                + "Did not receive identification string from 10.10.10.10\",\"TimeStamp\":1510867200000,\"location\":\"/var/log/secure\","
                + "\"hostname\":\"ip-10-0-0-5\",\"program_name\":\"sshd\",\"decoder\":\"sshd\"}";
        Headers cwl = headers("33695040658734215806592935291406587421580659293529140658");
        cwl.add(SecpipeHeaders.LOG_GROUP, "ossec-hids-alerts".getBytes(StandardCharsets.UTF_8));
        cwl.add(SecpipeHeaders.LOG_STREAM, instance.getBytes(StandardCharsets.UTF_8));
        cwl.add(SecpipeHeaders.LOG_OWNER, "123456789012".getBytes(StandardCharsets.UTF_8));
        cwl.add(SecpipeHeaders.DELIVERY_TIME, "2017-11-16T21:20:00.512Z".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>(instance, line, cwl));

        JsonNode doc = JSON.readTree(alerts.readValue());
        assertThat(doc.path("@log_group").asText()).isEqualTo("ossec-hids-alerts");
        assertThat(doc.path("@log_stream").asText()).isEqualTo("i-0e427a8594852eca2");
        assertThat(doc.path("@owner").asText()).isEqualTo("123456789012");
        assertThat(doc.path("@message").asText()).isEqualTo(line);
        assertThat(doc.path("@timestamp").asText()).as("the alert's own time, not the delivery's").isEqualTo("2017-11-16T21:20:00Z");
        assertThat(doc.path("rule").path("level").asInt()).isEqualTo(6);
        assertThat(doc.path("srcip").asText()).isEqualTo("10.10.10.10");
        for (String field : seedFields) {
            JsonNode value = field.startsWith("rule.") ? doc.path("rule").path(field.substring(5)) : doc.path(field);
            assertThat(value.isMissingNode()).as("the seed's field %s", field).isFalse();
        }
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void alertsReadFromFilesHaveNoLogFields() throws IOException {
        start(FAKE_GEO);
        raw.pipeInput(new TestRecord<>("web1", resource("ossec-2x.json"), headers("a-1")));
        JsonNode doc = JSON.readTree(alerts.readValue());
        assertThat(doc.has("@log_stream") || doc.has("@log_group") || doc.has("@owner") || doc.has("@message")).isFalse();
    }

    @Test
    void normalizesBothAlertShapesToTheGoldenDocuments() throws IOException {
        start(FAKE_GEO);
        raw.pipeInput(new TestRecord<>("web1", resource("ossec-2x.json"), headers("a-1")));
        raw.pipeInput(new TestRecord<>("db1", resource("wazuh-4x.json"), headers("a-2")));

        List<TestRecord<String, String>> out = alerts.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly("5712", "5710");
        assertThat(JSON.readTree(out.get(0).value())).isEqualTo(JSON.readTree(resource("ossec-2x.expected.json")));
        assertThat(JSON.readTree(out.get(1).value())).isEqualTo(JSON.readTree(resource("wazuh-4x.expected.json")));
        assertThat(header(out.get(0), SecpipeHeaders.ID)).isEqualTo("a-1");
        // record time is the alert's own time, not the append time
        assertThat(out.get(0).timestamp()).isEqualTo(1700000000123L);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void withoutGeoAPublicSourceHasNoGeoObject() throws IOException {
        start(GeoLookup.none());
        raw.pipeInput(new TestRecord<>("web1", resource("ossec-2x.json"), headers("a-1")));
        JsonNode doc = JSON.readTree(alerts.readValue());
        assertThat(doc.has("src_geo")).isFalse();
        assertThat(doc.path("srcip").asText()).isEqualTo("203.0.113.7");
    }

    @Test
    void malformedAlertsGoToTheDeadLetterTopicWithTheirReason() {
        start(GeoLookup.none());
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{not json", "not JSON");
        cases.put("[1,2]", "not a JSON object");
        cases.put("{\"TimeStamp\":1700000000000}", "no rule object");
        cases.put("{\"rule\":{\"sidid\":1,\"level\":\"high\"},\"TimeStamp\":1}", "rule.level missing");
        cases.put("{\"rule\":{\"level\":3},\"TimeStamp\":1}", "no rule id");
        cases.put("{\"rule\":{\"level\":3,\"id\":\"5710\"}}", "no event time");
        cases.put("{\"rule\":{\"level\":3,\"id\":\"5710\"},\"timestamp\":\"yesterday\"}", "unparseable timestamp");
        cases.forEach((value, reason) -> raw.pipeInput(new TestRecord<>("k", value, headers("bad"))));

        List<TestRecord<String, String>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(TestRecord::value).containsExactlyElementsOf(cases.keySet());
        List<String> reasons = List.copyOf(cases.values());
        for (int i = 0; i < dead.size(); i++) {
            assertThat(header(dead.get(i), SecpipeHeaders.ERROR_MESSAGE)).startsWith(reasons.get(i));
            assertThat(header(dead.get(i), SecpipeHeaders.ERROR_CLASS)).isEqualTo(MalformedAlertException.class.getName());
            assertThat(header(dead.get(i), SecpipeHeaders.SOURCE)).startsWith("file:");
        }
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void countsPerEventTimeMinutePerRuleAndPerLevel() throws IOException {
        start(GeoLookup.none());
        String ossec = resource("ossec-2x.json");
        // two alerts of rule 5712 in minute 22:13 (TimeStamp varied), one of rule 5710 in 22:14
        raw.pipeInput(new TestRecord<>("web1", ossec, headers("a-1")));
        raw.pipeInput(new TestRecord<>("web1", ossec.replace("1700000000123", "1700000010000"), headers("a-2")));
        raw.pipeInput(new TestRecord<>("db1", resource("wazuh-4x.json"), headers("a-3")));

        List<TestRecord<String, String>> updates = minute.readRecordsToList();
        Map<String, JsonNode> last = updates.stream().collect(Collectors.toMap(
                r -> header(r, SecpipeHeaders.ID), r -> read(r.value()), (a, b) -> b, java.util.LinkedHashMap::new));
        assertThat(last.keySet()).containsExactlyInAnyOrder(
                "rule:5712@2023-11-14T22:13:00Z", "level:10@2023-11-14T22:13:00Z",
                "rule:5710@2023-11-14T22:14:00Z", "level:5@2023-11-14T22:14:00Z");
        JsonNode rule = last.get("rule:5712@2023-11-14T22:13:00Z");
        assertThat(rule.path("count").asLong()).isEqualTo(2);
        assertThat(rule.path("dimension").asText()).isEqualTo("rule");
        assertThat(rule.path("rule").path("comment").asText()).startsWith("sshd: brute force");
        assertThat(rule.path("@timestamp").asText()).isEqualTo("2023-11-14T22:13:00Z");
        assertThat(rule.path("window_end").asText()).isEqualTo("2023-11-14T22:14:00Z");
        assertThat(last.get("level:10@2023-11-14T22:13:00Z").path("count").asLong()).isEqualTo(2);
        assertThat(last.get("level:5@2023-11-14T22:14:00Z").path("rule").path("level").asInt()).isEqualTo(5);
        assertThat(updates).extracting(TestRecord::key).contains("rule:5712", "level:10");
    }

    private static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
