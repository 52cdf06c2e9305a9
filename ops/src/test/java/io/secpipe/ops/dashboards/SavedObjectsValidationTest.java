package io.secpipe.ops.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validates search/dashboards/secpipe.ndjson against the real index templates of search/templates/. Strict:
 * an index pattern without a template fails, except those named in the system property
 * {@code secpipe.dashboards.pending} (comma list), for templates still being written on another branch, and
 * fields not mapped yet except those in {@code secpipe.dashboards.pending.fields} (comma list).
 */
class SavedObjectsValidationTest {

    static final Path ROOT = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();
    static final Path NDJSON = ROOT.resolve("search/dashboards/secpipe.ndjson");
    private static final ObjectMapper JSON = new ObjectMapper();

    static IndexTemplates templates;
    static Set<String> pending;
    static Set<String> pendingFields;

    @BeforeAll
    static void load() throws IOException {
        templates = IndexTemplates.load(ROOT.resolve("search/templates"));
        pending = commaList("secpipe.dashboards.pending");
        pendingFields = commaList("secpipe.dashboards.pending.fields");
    }

    private static Set<String> commaList(String property) {
        return Arrays.stream(System.getProperty(property, "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    static List<JsonNode> objects() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        for (String line : Files.readAllLines(NDJSON, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                objects.add(JSON.readTree(line));
            }
        }
        return objects;
    }

    private static List<String> problems(List<JsonNode> objects) {
        return new SavedObjectsCheck(templates, pending, pendingFields).problems(objects);
    }

    @Test
    void theShippedObjectsHaveNoProblem() throws IOException {
        List<JsonNode> objects = objects();
        assertThat(objects).hasSize(42);
        assertThat(problems(objects)).isEmpty();
    }

    @Test
    void everyDashboardHasItsPanels() throws IOException {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        objects().forEach(o -> byId.put(o.get("id").asText(), o));
        Map<String, List<String>> panels = new LinkedHashMap<>();
        for (JsonNode o : byId.values()) {
            if (o.get("type").asText().equals("dashboard")) {
                List<String> titles = new ArrayList<>();
                o.get("references").forEach(r -> titles.add(r.get("type").asText().equals("index-pattern") ? "filter on " + r.get("id").asText() :
                        byId.get(r.get("id").asText()).get("attributes").get("title").asText()));
                panels.put(o.get("attributes").get("title").asText(), titles);
            }
        }
        assertThat(panels).containsExactly(
                Map.entry("Anomalies", List.of("Anomaly score by detector", "Anomalies over time", "Most anomalous series",
                        "Anomalies found")),
                Map.entry("EC2 API calls", List.of("EC2 API calls over time by event name", "Top users", "Errors",
                        "Enforcement decisions over time", "Enforcement decisions")),
                Map.entry("HIDS alerts", List.of("Alerts by instance", "HIDS alerts over time", "Top 20 alert types", "Alerts by rule level",
                        "Top 10 rule IDs", "Top 10 source IPs")),
                Map.entry("SGDashboard", List.of("ENIAction", "EniProtocol", "Direction", "enipi-all", "Eni-list",
                        "ENIdestports", "Security groups: flows and bytes", "Source countries",
                        "Unused security-group rules", "Security groups without traffic", "eni-search",
                        "filter on secpipe-index-vpcflow")),
                Map.entry("Trends", List.of("Clicks per minute by segment", "Impressions per minute by gender", "Top articles")));
    }

    @Test
    void theSeedPanelsKeepTheirAggregations() throws IOException {
        Map<String, JsonNode> byTitle = new LinkedHashMap<>();
        objects().forEach(o -> byTitle.put(o.get("attributes").get("title").asText(), o));
        assertThat(aggs(byTitle.get("ENIAction"))).containsExactly("count", "terms action 5");
        assertThat(aggs(byTitle.get("ENIdestports"))).containsExactly("count", "terms destination.port 200");
        // the seed: count, and the interfaces' bytes (a terms agg of size 1 on bytes there, a sum here), 20,000 interfaces
        assertThat(aggs(byTitle.get("Eni-list"))).containsExactly("count", "sum bytes", "terms interface_id 20000");
        assertThat(aggs(byTitle.get("EniProtocol"))).containsExactly("count", "terms protocol 10");
        // the seed's 200/5/200/200/200 would be over 8e9 buckets; 10/5/10/10/10 is the largest that fits (55,560)
        assertThat(aggs(byTitle.get("enipi-all"))).containsExactly("count", "terms srcaddr 10", "terms protocol 5",
                "terms dstport 10", "terms dstaddr 10", "terms srcport 10");
        JsonNode search = byTitle.get("eni-search").get("attributes");
        assertThat(search.get("columns").toString()).isEqualTo("[\"interface_id\",\"action\",\"srcaddr\",\"dstport\",\"bytes\",\"packets\"]");
        assertThat(search.get("sort").toString()).isEqualTo("[[\"@timestamp\",\"desc\"]]");
        assertThat(aggs(byTitle.get("Clicks per minute by segment")))
                .containsExactly("sum clicks", "date_histogram @timestamp m", "terms segment_id 10");
    }

    @Test
    void noVisualizationCanAskForMoreBucketsThanTheEngineAllows() throws IOException {
        for (JsonNode o : objects()) {
            if (o.get("type").asText().equals("visualization")) {
                long total = 0;
                long product = 1;
                for (JsonNode agg : JSON.readTree(o.get("attributes").get("visState").asText()).get("aggs")) {
                    if (agg.get("type").asText().equals("terms")) {
                        product *= agg.get("params").get("size").asLong();
                        total += product;
                    }
                }
                // search.max_buckets: 65,535 by default in Elasticsearch 7+/8 and OpenSearch
                assertThat(total).as(o.get("id").asText()).isLessThanOrEqualTo(65_535);
            }
        }
    }

    @Test
    void theSgDashboardShowsAcceptedTrafficWithAFilterTheUserCanToggle() throws IOException {
        JsonNode dashboard = byId(objects()).get("secpipe-dashboard-sg");
        JsonNode source = JSON.readTree(dashboard.get("attributes").get("kibanaSavedObjectMeta").get("searchSourceJSON").asText());
        assertThat(source.get("filter")).hasSize(1);
        JsonNode filter = source.get("filter").get(0);
        assertThat(filter.get("meta").get("disabled").asBoolean(true)).isFalse();
        assertThat(filter.get("meta").get("negate").asBoolean(true)).isFalse();
        assertThat(filter.get("meta").get("alias").asText()).isEqualTo("action: ACCEPT");
        assertThat(filter.get("$state").get("store").asText()).isEqualTo("appState");
        // action = ACCEPT on the flows; the security-group usage panels' index has no action and is left alone
        assertThat(filter.get("query").toString()).isEqualTo("{\"bool\":{\"should\":[{\"match_phrase\":{\"action\":\"ACCEPT\"}},"
                + "{\"bool\":{\"must_not\":[{\"prefix\":{\"_index\":\"cwl-vpcflow-\"}}]}}],\"minimum_should_match\":1}}");
        assertThat(filter.get("meta").get("value").asText()).isEqualTo(filter.get("query").toString());
        assertThat(dashboard.get("references").toString()).contains("{\"name\":\"kibanaSavedObjectMeta.searchSourceJSON.filter[0].meta.index\","
                + "\"type\":\"index-pattern\",\"id\":\"secpipe-index-vpcflow\"}");
        // no other dashboard filters
        objects().stream().filter(o -> o.get("type").asText().equals("dashboard") && !o.get("id").asText().equals("secpipe-dashboard-sg"))
                .forEach(o -> assertThat(o.get("attributes").get("kibanaSavedObjectMeta").get("searchSourceJSON").asText())
                        .contains("\"filter\":[]"));
    }

    @Test
    void theSeedsSavedSearchAllIsThere() throws IOException {
        JsonNode all = byId(objects()).get("secpipe-search-all");
        assertThat(all.get("type").asText()).isEqualTo("search");
        assertThat(all.get("attributes").get("title").asText()).isEqualTo("All");
        assertThat(all.get("attributes").get("columns").toString()).isEqualTo("[\"_source\"]");
        assertThat(all.get("attributes").get("sort").toString()).isEqualTo("[[\"@timestamp\",\"desc\"]]");
        assertThat(all.get("references").get(0).get("id").asText()).isEqualTo("secpipe-index-vpcflow");
        JsonNode source = JSON.readTree(all.get("attributes").get("kibanaSavedObjectMeta").get("searchSourceJSON").asText());
        assertThat(source.get("query").get("query").asText()).isEmpty();
        assertThat(source.get("filter")).isEmpty();
    }

    @Test
    void theHidsDashboardFiltersByInstance() throws IOException {
        assertThat(aggs(byId(objects()).get("secpipe-vis-hids-instances")))
                .containsExactly("count", "terms @log_stream 100");
    }

    @Test
    void aBrokenDashboardFilterIsReported() throws IOException {
        List<JsonNode> objects = edit(objects(), "secpipe-dashboard-sg", o -> {
            replaceIn(o, "kibanaSavedObjectMeta.searchSourceJSON", "\"disabled\":false,", "");
            replaceIn(o, "kibanaSavedObjectMeta.searchSourceJSON", "\"match_phrase\":{\"action\"", "\"match_phrase\":{\"verdict\"");
        });
        objects = edit(objects, "secpipe-dashboard-hids", o -> {
            replaceIn(o, "kibanaSavedObjectMeta.searchSourceJSON", "\"filter\":[]",
                    "\"filter\":[{\"meta\":{\"disabled\":false,\"index\":\"secpipe-index-ossec\"},\"query\":{\"exists\":{\"field\":\"srcip\"}}}]");
        });
        assertThat(problems(objects)).containsExactlyInAnyOrder(
                "dashboard secpipe-dashboard-sg: a filter has no meta.disabled, which the filter bar toggles",
                "dashboard secpipe-dashboard-sg: filter field verdict is not mapped in vpcflow.json",
                "dashboard secpipe-dashboard-hids: a filter names its index pattern by id, not by indexRefName",
                "dashboard secpipe-dashboard-hids: filter indexRefName '' is not a reference to an index pattern",
                "dashboard secpipe-dashboard-hids: uses reference , which it does not have");
    }

    @Test
    void flowAndAlertPatternsExcludeTheirPerMinuteIndices() throws IOException {
        Map<String, String> titles = new LinkedHashMap<>();
        objects().stream().filter(o -> o.get("type").asText().equals("index-pattern"))
                .forEach(o -> titles.put(o.get("id").asText(), o.get("attributes").get("title").asText()));
        assertThat(titles).containsExactly(
                Map.entry("secpipe-index-anomalies", "secpipe-anomalies-*"),
                Map.entry("secpipe-index-clicks-minute", "clicks-minute-*"),
                Map.entry("secpipe-index-cloudtrail-ec2", "cloudtrail-ec2-*"),
                Map.entry("secpipe-index-ec2-enforcement", "ec2-enforcement-*"),
                Map.entry("secpipe-index-ossec", "cwl-ossec-*,-cwl-ossec-minute-*"),
                Map.entry("secpipe-index-sg-rule-usage", "sg-rule-usage-*"),
                Map.entry("secpipe-index-vpcflow", "cwl-vpcflow-*,-cwl-vpcflow-minute-*"));
    }

    // The check itself: each kind of mistake is caught, with a message that says where.

    @Test
    void aFieldTheTemplateDoesNotMapOrCannotAggregateIsReported() throws IOException {
        List<JsonNode> objects = edit(objects(), "secpipe-vis-eni-list",
                o -> replaceIn(o, "visState", "\"field\":\"interface_id\"", "\"field\":\"interface\""));
        objects = edit(objects, "secpipe-vis-eni-action", o -> replaceIn(o, "visState", "\"type\":\"count\",\"params\":{}",
                "\"type\":\"sum\",\"params\":{\"field\":\"action\"}"));
        objects = edit(objects, "secpipe-vis-hids-source-ips",
                o -> replaceIn(o, "visState", "\"field\":\"srcip\"", "\"field\":\"message\""));
        assertThat(problems(objects)).containsExactlyInAnyOrder(
                "visualization secpipe-vis-eni-list: terms field interface is not mapped in vpcflow.json",
                "visualization secpipe-vis-eni-action: sum field action is keyword in vpcflow.json, which sum cannot use",
                // an alias counts as its target: message → full_log, a text field
                "visualization secpipe-vis-hids-source-ips: terms field message is text in ossec.json, which terms cannot use");
    }

    @Test
    void queriesAndSearchColumnsAreCheckedToo() throws IOException {
        List<JsonNode> objects = edit(objects(), "secpipe-vis-sg-unused-rules",
                o -> replaceIn(o, "kibanaSavedObjectMeta.searchSourceJSON", "type:usage_report", "kind:usage_report"));
        objects = edit(objects, "secpipe-search-eni", o -> ((ArrayNode) o.withObjectProperty("attributes").get("columns")).add("bytez"));
        assertThat(problems(objects)).containsExactlyInAnyOrder(
                "visualization secpipe-vis-sg-unused-rules: query field kind is not mapped in sg-rule-usage.json",
                "search secpipe-search-eni: column field bytez is not mapped in vpcflow.json");
    }

    @Test
    void brokenReferencesAreReported() throws IOException {
        List<JsonNode> objects = objects();
        objects.removeIf(o -> o.get("id").asText().equals("secpipe-vis-trends-top-articles"));
        objects = edit(objects, "secpipe-search-anomalies", o -> replaceIn(o, "kibanaSavedObjectMeta.searchSourceJSON",
                "\"indexRefName\":\"kibanaSavedObjectMeta.searchSourceJSON.index\"", "\"index\":\"secpipe-index-anomalies\""));
        assertThat(problems(objects)).containsExactlyInAnyOrder(
                "dashboard secpipe-dashboard-trends: reference panel_2 names visualization secpipe-vis-trends-top-articles, which is not in the set",
                "search secpipe-search-anomalies: searchSourceJSON names its index pattern by id, not by indexRefName",
                "search secpipe-search-anomalies: indexRefName '' is not a reference to an index pattern");
    }

    @Test
    void whatOpenSearchDashboardsWouldRefuseIsReported() throws IOException {
        List<JsonNode> objects = edit(objects(), "secpipe-index-vpcflow", o -> {
            o.withObjectProperty("migrationVersion").put("index-pattern", "7.11.0");
            o.withObjectProperty("attributes").put("fieldAttrs", "{}");
        });
        assertThat(problems(objects)).containsExactlyInAnyOrder(
                "index-pattern secpipe-index-vpcflow: migrationVersion 7.11.0 is newer than OpenSearch Dashboards knows (7.6.0)",
                "index-pattern secpipe-index-vpcflow: attribute 'fieldAttrs' is not in the 7.10 mapping of index-pattern");
    }

    @Test
    void anIndexPatternThatAlsoMatchesTheMinuteIndicesIsReported() throws IOException {
        List<JsonNode> objects = edit(objects(), "secpipe-index-ossec", o -> o.withObjectProperty("attributes").put("title", "cwl-ossec-*"));
        assertThat(problems(objects)).containsExactly(
                "index-pattern secpipe-index-ossec: 'cwl-ossec-*' also matches cwl-ossec-minute-* (ossec-minute.json): add -cwl-ossec-minute-*");
    }

    @Test
    void anIndexPatternWithoutTemplateFailsUnlessPending() throws IOException {
        List<JsonNode> objects = edit(objects(), "secpipe-index-ec2-enforcement",
                o -> o.withObjectProperty("attributes").put("title", "ec2-enforcer-*"));
        List<String> strict = new SavedObjectsCheck(templates, pending, pendingFields).problems(objects);
        assertThat(strict).containsExactlyInAnyOrder(
                "index-pattern secpipe-index-ec2-enforcement: no index template in search/templates has the pattern ec2-enforcer-*",
                "visualization secpipe-vis-ec2-decisions-over-time: no index template in search/templates has the pattern ec2-enforcer-*",
                "search secpipe-search-ec2-decisions: no index template in search/templates has the pattern ec2-enforcer-*");
        Set<String> withPending = new java.util.HashSet<>(pending);
        withPending.add("ec2-enforcer-*");
        assertThat(new SavedObjectsCheck(templates, withPending, pendingFields).problems(objects)).isEmpty();
    }

    @Test
    void overlappingPanelsAreReported() throws IOException {
        List<JsonNode> objects = edit(objects(), "secpipe-dashboard-hids",
                o -> replaceIn(o, "panelsJSON", "\"x\":24,\"y\":12", "\"x\":20,\"y\":12"));
        assertThat(problems(objects)).containsExactly(
                "dashboard secpipe-dashboard-hids: panel panel_3 overlaps panel 3");
    }

    @Test
    void aliasesResolveToTheirTarget() {
        IndexTemplates.Template flows = templates.forPattern("cwl-vpcflow-*").orElseThrow();
        assertThat(IndexTemplates.fieldType(flows, "destination.port")).contains("integer");
        assertThat(IndexTemplates.fieldType(flows, "src_geo.country_name")).contains("keyword");
        assertThat(IndexTemplates.fieldType(flows, "src_geo")).contains("object");
        assertThat(IndexTemplates.fieldType(flows, "source.nothing")).isEmpty();
        IndexTemplates.Template alerts = templates.forPattern("cwl-ossec-*").orElseThrow();
        assertThat(IndexTemplates.fieldType(alerts, "data")).contains("disabled object");
    }

    private static Map<String, JsonNode> byId(List<JsonNode> objects) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        objects.forEach(o -> byId.put(o.get("id").asText(), o));
        return byId;
    }

    /** Each aggregation as "type field size" (count alone, date histograms with their interval). */
    private static List<String> aggs(JsonNode visualization) throws IOException {
        JsonNode vis = JSON.readTree(visualization.get("attributes").get("visState").asText());
        List<String> aggs = new ArrayList<>();
        for (JsonNode agg : vis.get("aggs")) {
            JsonNode p = agg.get("params");
            String type = agg.get("type").asText();
            aggs.add(switch (type) {
                case "count" -> type;
                case "terms" -> type + " " + p.get("field").asText() + " " + p.get("size").asInt();
                case "date_histogram" -> type + " " + p.get("field").asText() + " " + p.get("interval").asText();
                default -> type + " " + p.get("field").asText();
            });
        }
        return aggs;
    }

    private static List<JsonNode> edit(List<JsonNode> objects, String id, Consumer<ObjectNode> change) {
        List<JsonNode> copy = new ArrayList<>();
        for (JsonNode o : objects) {
            JsonNode c = o.deepCopy();
            if (o.get("id").asText().equals(id)) {
                change.accept((ObjectNode) c);
            }
            copy.add(c);
        }
        return copy;
    }

    /** Replaces text inside an embedded JSON string attribute (a dotted path below attributes). */
    private static void replaceIn(ObjectNode o, String attribute, String from, String to) {
        ObjectNode holder = o.withObjectProperty("attributes");
        String[] path = attribute.split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            holder = holder.with(path[i]);
        }
        String text = holder.get(path[path.length - 1]).asText();
        assertThat(text).contains(from);
        holder.put(path[path.length - 1], text.replace(from, to));
    }
}
