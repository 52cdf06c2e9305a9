package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import io.secpipe.streams.geo.MaxMindGeoLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** search/templates/vpcflow.json maps every field a flow document can carry, with the type it is written in. */
class VpcFlowTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyKnownFieldAndEveryFieldOfTheExampleDocumentsIsMapped() throws Exception {
        JsonNode properties = JSON.readTree(Path.of("../search/templates/vpcflow.json").toFile())
                .path("template").path("mappings").path("properties");
        for (String field : FlowLogFormat.KNOWN_FIELDS) {
            assertThat(properties.has(FlowLogFormat.documentField(field))).as(field).isTrue();
        }
        List<String> paths = new ArrayList<>();
        try (var files = Files.list(AwsFlowLogExamplesTest.DIR.resolve("aws"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    collect(JSON.readTree(line), "", paths);
                }
            }
        }
        try (MaxMindGeoLookup geo = new MaxMindGeoLookup(Path.of("src/test/resources/geo/test-city.mmdb"),
                Path.of("src/test/resources/geo/test-asn.mmdb"))) {
            collect(geo.lookup("81.2.69.142").orElseThrow(), "src_geo.", paths);
            collect(geo.lookup("81.2.69.142").orElseThrow(), "dst_geo.", paths);
        }
        assertThat(paths).contains("event.time_source", "tgw_attachment_id", "packets_lost_blackhole",
                "src_geo.region_iso_code", "dst_geo.region_name");
        for (String path : paths) {
            assertThat(mapping(properties, path)).as(path).isNotNull();
        }
        assertThat(mapping(properties, "packets_lost_no_route").path("type").asText()).isEqualTo("long");
        assertThat(mapping(properties, "tgw_src_eni").path("type").asText()).isEqualTo("keyword");
        assertThat(mapping(properties, "pkt_srcaddr").path("type").asText()).isEqualTo("ip");
        assertThat(mapping(properties, "event.time_source").path("type").asText()).isEqualTo("keyword");
        assertThat(mapping(properties, "src_geo.region_iso_code").path("type").asText()).isEqualTo("keyword");
    }

    /** Leaf paths of a document; a geo location object is one leaf (a geo_point). */
    private static void collect(JsonNode node, String prefix, List<String> paths) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject() && !e.getKey().equals("location")) {
                collect(e.getValue(), prefix + e.getKey() + ".", paths);
            } else {
                paths.add(prefix + e.getKey());
            }
        }
    }

    private static JsonNode mapping(JsonNode properties, String path) {
        JsonNode node = null;
        JsonNode level = properties;
        for (String part : path.split("\\.")) {
            node = level.get(part);
            if (node == null) {
                return null;
            }
            level = node.path("properties");
        }
        return node;
    }
}
