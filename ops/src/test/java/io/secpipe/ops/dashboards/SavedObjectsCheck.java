package io.secpipe.ops.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything that makes a saved object fail to import, or import and then fail to draw, that can be told
 * without Kibana: the shape both products accept, references, the JSON inside the JSON, and every field a
 * visualization or search uses against the index template its index pattern matches. Returns problems, one
 * line each, so a test can show both that the real objects have none and that each check catches its case.
 */
final class SavedObjectsCheck {

    /** The newest migration OpenSearch Dashboards knows per type; it refuses objects from a later one. */
    static final Map<String, String> LATEST_MIGRATION = Map.of(
            "index-pattern", "7.6.0", "visualization", "7.10.0", "search", "7.9.3", "dashboard", "7.9.3");

    /** The attributes of the Kibana 7.10 types: OpenSearch Dashboards' saved-object mappings are strict. */
    static final Map<String, Set<String>> ATTRIBUTES = Map.of(
            "index-pattern", Set.of("title", "timeFieldName", "intervalName", "fields", "fieldFormatMap", "sourceFilters",
                    "typeMeta", "type"),
            "visualization", Set.of("title", "description", "visState", "uiStateJSON", "savedSearchRefName", "version",
                    "kibanaSavedObjectMeta"),
            "search", Set.of("title", "description", "hits", "columns", "sort", "version", "kibanaSavedObjectMeta"),
            "dashboard", Set.of("title", "description", "hits", "panelsJSON", "optionsJSON", "timeRestore", "timeFrom",
                    "timeTo", "refreshInterval", "version", "kibanaSavedObjectMeta"));

    static final int GRID_COLUMNS = 48;

    private static final Set<String> NUMERIC = Set.of("long", "integer", "short", "byte", "double", "float", "half_float",
            "scaled_float", "unsigned_long");
    private static final Set<String> AGGREGATABLE = union(NUMERIC, Set.of("keyword", "ip", "date", "date_nanos", "boolean"));
    /** The mapped types each aggregation accepts for its field. */
    private static final Map<String, Set<String>> AGG_FIELD_TYPES = Map.of(
            "terms", AGGREGATABLE,
            "date_histogram", Set.of("date", "date_nanos"),
            "histogram", NUMERIC,
            "sum", NUMERIC,
            "avg", NUMERIC,
            "min", union(NUMERIC, Set.of("date")),
            "max", union(NUMERIC, Set.of("date")),
            "cardinality", AGGREGATABLE);
    /** {@code field:} in a KQL query. */
    private static final Pattern KQL_FIELD = Pattern.compile("([A-Za-z_@][\\w.@]*)\\s*:");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IndexTemplates templates;
    private final Set<String> pending;
    private final Set<String> pendingFields;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, JsonNode> byKey = new HashMap<>();

    /** {@code pending}: index patterns whose template is not in this branch yet; their fields are not checked. */
    SavedObjectsCheck(IndexTemplates templates, Set<String> pending) {
        this(templates, pending, Set.of());
    }

    /** {@code pendingFields}: fields another branch adds to a template; not yet mapped is no problem for them. */
    SavedObjectsCheck(IndexTemplates templates, Set<String> pending, Set<String> pendingFields) {
        this.templates = templates;
        this.pending = pending;
        this.pendingFields = pendingFields;
    }

    List<String> problems(List<JsonNode> objects) {
        problems.clear();
        byKey.clear();
        Set<String> ids = new HashSet<>();
        for (JsonNode o : objects) {
            if (!ids.add(o.path("id").asText())) {
                problem(o, "the id is used twice");
            }
            byKey.put(key(o.path("type").asText(), o.path("id").asText()), o);
        }
        for (JsonNode o : objects) {
            if (shape(o)) {
                references(o);
                switch (o.get("type").asText()) {
                    case "index-pattern" -> indexPattern(o);
                    case "visualization" -> visualization(o);
                    case "search" -> search(o);
                    case "dashboard" -> dashboard(o);
                    default -> throw new IllegalStateException();
                }
            }
        }
        return List.copyOf(problems);
    }

    /** The common denominator of both products; false when the object is too broken to look further. */
    private boolean shape(JsonNode o) {
        String type = o.path("type").asText();
        if (!ATTRIBUTES.containsKey(type)) {
            problem(o, "type '" + type + "' is not one of " + ATTRIBUTES.keySet());
            return false;
        }
        if (!o.path("id").asText().startsWith("secpipe-")) {
            problem(o, "the id does not start with secpipe-");
        }
        JsonNode migration = o.path("migrationVersion");
        if (migration.size() != 1 || !migration.path(type).isTextual()) {
            problem(o, "migrationVersion must be {\"" + type + "\": version}");
        } else if (compareVersions(migration.get(type).asText(), LATEST_MIGRATION.get(type)) > 0) {
            problem(o, "migrationVersion " + migration.get(type).asText() + " is newer than OpenSearch Dashboards knows ("
                    + LATEST_MIGRATION.get(type) + ")");
        }
        JsonNode attributes = o.path("attributes");
        attributes.fieldNames().forEachRemaining(name -> {
            if (!ATTRIBUTES.get(type).contains(name)) {
                problem(o, "attribute '" + name + "' is not in the 7.10 mapping of " + type);
            }
        });
        if (attributes.path("title").asText().isBlank()) {
            problem(o, "no title");
        }
        if (!o.path("references").isArray()) {
            problem(o, "no references array");
            return false;
        }
        return true;
    }

    private void references(JsonNode o) {
        Set<String> names = new HashSet<>();
        for (JsonNode ref : o.get("references")) {
            if (!names.add(ref.path("name").asText())) {
                problem(o, "reference name " + ref.path("name").asText() + " is used twice");
            }
            if (!byKey.containsKey(key(ref.path("type").asText(), ref.path("id").asText()))) {
                problem(o, "reference " + ref.path("name").asText() + " names " + ref.path("type").asText() + " "
                        + ref.path("id").asText() + ", which is not in the set");
            }
        }
    }

    private void indexPattern(JsonNode o) {
        String title = o.path("attributes").path("title").asText();
        String timeField = o.path("attributes").path("timeFieldName").asText();
        for (String include : includes(title)) {
            template(o, include).ifPresent(t -> {
                Optional<String> type = IndexTemplates.fieldType(t, timeField);
                if (!type.equals(Optional.of("date"))) {
                    problem(o, "time field " + timeField + " is " + type.orElse("not mapped") + " in " + t.file());
                }
            });
            // a template with a more specific pattern inside this one (the per-minute indices) must be excluded
            Pattern glob = Pattern.compile(Pattern.quote(include).replace("*", "\\E.*\\Q"));
            for (IndexTemplates.Template other : templates.all()) {
                for (String pattern : other.indexPatterns()) {
                    if (!pattern.equals(include) && glob.matcher(pattern).matches() && !List.of(title.split(",")).contains("-" + pattern)) {
                        problem(o, "'" + title + "' also matches " + pattern + " (" + other.file() + "): add -" + pattern);
                    }
                }
            }
        }
    }

    private void visualization(JsonNode o) {
        JsonNode attributes = o.get("attributes");
        Optional<JsonNode> source = searchSource(o);
        JsonNode vis = embedded(o, "visState", attributes.path("visState"));
        embedded(o, "uiStateJSON", attributes.path("uiStateJSON"));
        if (vis == null || source.isEmpty()) {
            return;
        }
        if (!vis.path("title").asText().equals(attributes.path("title").asText())) {
            problem(o, "visState title '" + vis.path("title").asText() + "' differs from the object's");
        }
        Set<String> metricIds = new HashSet<>();
        Set<String> aggIds = new HashSet<>();
        for (JsonNode agg : vis.path("aggs")) {
            if (!aggIds.add(agg.path("id").asText())) {
                problem(o, "aggregation id " + agg.path("id").asText() + " is used twice");
            }
            if (agg.path("schema").asText().equals("metric")) {
                metricIds.add(agg.path("id").asText());
            }
        }
        Optional<IndexTemplates.Template> template = templateOf(o);
        for (JsonNode agg : vis.path("aggs")) {
            String aggType = agg.path("type").asText();
            JsonNode params = agg.path("params");
            if (aggType.equals("terms") && !Set.of("_key", "_count").contains(params.path("orderBy").asText())
                    && !metricIds.contains(params.path("orderBy").asText())) {
                problem(o, "terms on " + params.path("field").asText() + " is ordered by " + params.path("orderBy").asText()
                        + ", which is no metric of this visualization");
            }
            if (aggType.equals("count")) {
                continue;
            }
            Set<String> accepted = AGG_FIELD_TYPES.get(aggType);
            if (accepted == null) {
                problem(o, "aggregation type " + aggType + " is not known to this check");
                continue;
            }
            template.ifPresent(t -> field(o, t, params.path("field").asText(), accepted, aggType));
        }
        template.ifPresent(t -> queryFields(o, t, source.get()));
    }

    private void search(JsonNode o) {
        Optional<JsonNode> source = searchSource(o);
        Optional<IndexTemplates.Template> template = templateOf(o);
        if (source.isEmpty() || template.isEmpty()) {
            return;
        }
        IndexTemplates.Template t = template.get();
        o.path("attributes").path("columns").forEach(c -> {
            // _source is the whole document, the column Discover shows when none is chosen
            if (!c.asText().equals("_source")) {
                field(o, t, c.asText(), union(AGGREGATABLE, Set.of("text")), "column");
            }
        });
        o.path("attributes").path("sort").forEach(s -> field(o, t, s.path(0).asText(), AGGREGATABLE, "sort"));
        queryFields(o, t, source.get());
    }

    private void dashboard(JsonNode o) {
        JsonNode attributes = o.get("attributes");
        embedded(o, "optionsJSON", attributes.path("optionsJSON"));
        JsonNode source = embedded(o, "kibanaSavedObjectMeta.searchSourceJSON",
                attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON"));
        JsonNode panels = embedded(o, "panelsJSON", attributes.path("panelsJSON"));
        if (panels == null || source == null) {
            return;
        }
        Set<String> used = new HashSet<>(filters(o, source));
        List<JsonNode> grids = new ArrayList<>();
        for (JsonNode panel : panels) {
            String ref = panel.path("panelRefName").asText();
            used.add(ref);
            if (panel.has("id") || panel.has("type")) {
                problem(o, "panel " + panel.path("panelIndex").asText() + " names its object by id, not by panelRefName");
            }
            JsonNode grid = panel.path("gridData");
            if (grid.path("x").asInt() < 0 || grid.path("x").asInt() + grid.path("w").asInt() > GRID_COLUMNS
                    || grid.path("w").asInt() <= 0 || grid.path("h").asInt() <= 0) {
                problem(o, "panel " + ref + " does not fit the " + GRID_COLUMNS + "-column grid");
            }
            for (JsonNode other : grids) {
                if (overlap(grid, other)) {
                    problem(o, "panel " + ref + " overlaps panel " + other.path("i").asText());
                }
            }
            grids.add(grid);
        }
        unusedOrMissing(o, used);
    }

    /**
     * A dashboard's stored filters: each names its index pattern by {@code meta.indexRefName} (as Kibana 7.10
     * exports them), says whether it is on ({@code meta.disabled}, what the user toggles), and uses fields its
     * template maps. Returns the reference names used.
     */
    private Set<String> filters(JsonNode o, JsonNode source) {
        Set<String> used = new HashSet<>();
        for (JsonNode filter : source.path("filter")) {
            JsonNode meta = filter.path("meta");
            if (meta.has("index")) {
                problem(o, "a filter names its index pattern by id, not by indexRefName");
            }
            if (!meta.path("disabled").isBoolean()) {
                problem(o, "a filter has no meta.disabled, which the filter bar toggles");
            }
            String refName = meta.path("indexRefName").asText();
            used.add(refName);
            Optional<JsonNode> ref = reference(o, refName);
            if (ref.isEmpty() || !ref.get().path("type").asText().equals("index-pattern")) {
                problem(o, "filter indexRefName '" + refName + "' is not a reference to an index pattern");
                continue;
            }
            JsonNode pattern = byKey.get(key("index-pattern", ref.get().path("id").asText()));
            if (pattern == null) {
                continue;
            }
            for (String include : includes(pattern.path("attributes").path("title").asText())) {
                template(o, include).ifPresent(t -> queryDslFields(filter.path("query"), f -> {
                    if (!f.equals("_index")) {
                        field(o, t, f, AGGREGATABLE, "filter");
                    }
                }));
            }
        }
        return used;
    }

    /** The fields a query DSL object names: the keys of leaf queries, and {@code exists}' field. */
    private static void queryDslFields(JsonNode query, java.util.function.Consumer<String> field) {
        query.fields().forEachRemaining(e -> {
            switch (e.getKey()) {
                case "bool" -> e.getValue().fields().forEachRemaining(clause -> {
                    if (clause.getValue().isArray()) {
                        clause.getValue().forEach(q -> queryDslFields(q, field));
                    } else if (clause.getValue().isObject()) {
                        queryDslFields(clause.getValue(), field);
                    }
                });
                case "exists" -> field.accept(e.getValue().path("field").asText());
                case "match_all" -> { }
                default -> e.getValue().fieldNames().forEachRemaining(field);
            }
        });
    }

    /** The index pattern of a visualization or search, by {@code indexRefName}. */
    private Optional<JsonNode> searchSource(JsonNode o) {
        JsonNode source = embedded(o, "kibanaSavedObjectMeta.searchSourceJSON",
                o.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON"));
        if (source == null) {
            return Optional.empty();
        }
        if (source.has("index")) {
            problem(o, "searchSourceJSON names its index pattern by id, not by indexRefName");
        }
        String refName = source.path("indexRefName").asText();
        Optional<JsonNode> ref = reference(o, refName);
        if (ref.isEmpty() || !ref.get().path("type").asText().equals("index-pattern")) {
            problem(o, "indexRefName '" + refName + "' is not a reference to an index pattern");
            return Optional.empty();
        }
        unusedOrMissing(o, Set.of(refName));
        return Optional.of(source);
    }

    /** The template that maps an object's index pattern; empty when it is pending (or missing: a problem). */
    private Optional<IndexTemplates.Template> templateOf(JsonNode o) {
        String refName = embeddedQuietly(o.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON"))
                .path("indexRefName").asText();
        return reference(o, refName)
                .map(ref -> byKey.get(key("index-pattern", ref.path("id").asText())))
                .flatMap(pattern -> {
                    List<String> includes = includes(pattern.path("attributes").path("title").asText());
                    if (includes.size() != 1) {
                        problem(o, "its index pattern has " + includes.size() + " included patterns; the check knows one");
                        return Optional.empty();
                    }
                    return template(o, includes.get(0));
                });
    }

    private Optional<IndexTemplates.Template> template(JsonNode o, String include) {
        Optional<IndexTemplates.Template> template = templates.forPattern(include);
        if (template.isEmpty() && !pending.contains(include)) {
            problem(o, "no index template in search/templates has the pattern " + include);
        }
        return template;
    }

    private void field(JsonNode o, IndexTemplates.Template t, String field, Set<String> accepted, String use) {
        Optional<String> type = IndexTemplates.fieldType(t, field);
        if (type.isEmpty() && pendingFields.contains(field)) {
            return;
        }
        if (type.isEmpty()) {
            problem(o, use + " field " + field + " is not mapped in " + t.file());
        } else if (!accepted.contains(type.get())) {
            problem(o, use + " field " + field + " is " + type.get() + " in " + t.file() + ", which " + use + " cannot use");
        }
    }

    private void queryFields(JsonNode o, IndexTemplates.Template t, JsonNode source) {
        Matcher m = KQL_FIELD.matcher(source.path("query").path("query").asText());
        while (m.find()) {
            field(o, t, m.group(1), union(AGGREGATABLE, Set.of("text")), "query");
        }
    }

    /** Every reference is used and every name used is a reference. */
    private void unusedOrMissing(JsonNode o, Set<String> used) {
        Set<String> names = new HashSet<>();
        o.get("references").forEach(r -> names.add(r.path("name").asText()));
        used.stream().filter(n -> !names.contains(n)).forEach(n -> problem(o, "uses reference " + n + ", which it does not have"));
        names.stream().filter(n -> !used.contains(n)).forEach(n -> problem(o, "reference " + n + " is not used"));
    }

    private Optional<JsonNode> reference(JsonNode o, String name) {
        for (JsonNode ref : o.get("references")) {
            if (ref.path("name").asText().equals(name)) {
                return Optional.of(ref);
            }
        }
        return Optional.empty();
    }

    private JsonNode embedded(JsonNode o, String what, JsonNode text) {
        if (!text.isTextual()) {
            problem(o, what + " is missing or not a string");
            return null;
        }
        try {
            return JSON.readTree(text.asText());
        } catch (IOException e) {
            problem(o, what + " is not JSON");
            return null;
        }
    }

    private static JsonNode embeddedQuietly(JsonNode text) {
        try {
            return JSON.readTree(text.asText("{}"));
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static List<String> includes(String title) {
        return List.of(title.split(",")).stream().map(String::strip).filter(p -> !p.startsWith("-")).toList();
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
    }

    static int compareVersions(String a, String b) {
        Iterator<String> x = List.of(a.split("\\.")).iterator();
        Iterator<String> y = List.of(b.split("\\.")).iterator();
        while (x.hasNext() || y.hasNext()) {
            int diff = Integer.compare(x.hasNext() ? Integer.parseInt(x.next()) : 0, y.hasNext() ? Integer.parseInt(y.next()) : 0);
            if (diff != 0) {
                return diff;
            }
        }
        return 0;
    }

    private void problem(JsonNode o, String what) {
        problems.add(o.path("type").asText() + " " + o.path("id").asText() + ": " + what);
    }

    private static String key(String type, String id) {
        return type + "/" + id;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
