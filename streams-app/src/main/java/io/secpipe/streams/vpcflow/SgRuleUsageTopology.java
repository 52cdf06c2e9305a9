package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.streams.StreamsSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/**
 * vpcflow.enriched + ref.security-groups → sg.rule-usage: accepted inbound flows attributed to the
 * inbound rules of the interface's groups that allow them ({@link SgRuleMatcher}); the source's groups
 * ({@code peer_security_group_ids}, set by {@link FlowEnricher} when the source is a known ENI) serve
 * group-referencing rules.
 *
 * <p>Two kinds of document, keyed deterministically:
 * <ul>
 * <li>{@code "type":"rule_hits"}, one per rule per window (final results only): {@code @timestamp}
 *     (window start), {@code window_end}, {@code group_id}, {@code group_name}, {@code vpc_id}, {@code rule_id},
 *     {@code protocol}, {@code from_port}, {@code to_port}, {@code source}, {@code source_kind},
 *     {@code flows}, {@code bytes}, {@code packets}; key {@code rule_id|window start}.</li>
 * <li>{@code "type":"usage_report"}, every report interval (wall clock), one per group with rules unused
 *     over the lookback: {@code @timestamp}, {@code group_id}, {@code group_name}, {@code vpc_id},
 *     {@code lookback}, {@code rules_total}, {@code unused_rules} (rule objects), {@code no_traffic} and
 *     {@code candidate_for_removal} (no flow reached the group in the lookback); key
 *     {@code report|group|time}. Prefix-list rules are not judged (their CIDRs are unknown).</li>
 * </ul>
 * Flows are repartitioned by group id into {@code sgusage.partitions} partitions so one task owns all of
 * a group's hits, and that task alone reports the group.
 */
public final class SgRuleUsageTopology {

    public static final String GROUP_STORE = "sgusage-groups";
    public static final String LAST_HIT_STORE = "sgusage-last-hit";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public record Config(String inputTopic, String groupsTopic, String outputTopic, Duration window, Duration grace,
                         Duration reportInterval, Duration lookback, int partitions) {
        public static Config from(Properties props) {
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.vpcflow(), StreamsSettings.sgusage());
            return new Config(
                    c.getString("vpcflow.output.topic"),
                    c.getString("sgusage.groups.topic"),
                    c.getString("sgusage.topic"),
                    Duration.parse(c.getString("sgusage.window")),
                    Duration.parse(c.getString("sgusage.grace")),
                    Duration.parse(c.getString("sgusage.report.interval")),
                    Duration.parse(c.getString("sgusage.report.lookback")),
                    c.getInt("sgusage.partitions"));
        }
    }

    private SgRuleUsageTopology() {
    }

    public static void addTo(StreamsBuilder builder, Config config) {
        addTo(builder, VpcFlowAnalytics.enrichedFlows(builder, config.inputTopic()), config);
    }

    public static void addTo(StreamsBuilder builder, KStream<String, JsonNode> flows, Config config) {
        GlobalKTable<String, JsonNode> groups = builder.globalTable(config.groupsTopic(),
                Consumed.with(Serdes.String(), JsonSerde.serde()).withName("sgusage-groups-source"),
                Materialized.<String, JsonNode, KeyValueStore<Bytes, byte[]>>as(GROUP_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.serde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LAST_HIT_STORE), Serdes.String(), Serdes.Long()));

        KStream<String, JsonNode> matched = flows
                .filter((key, doc) -> "ACCEPT".equals(doc.path("action").asText()) && "inbound".equals(doc.path("direction").asText())
                        && doc.path("security_group_ids").size() > 0 && doc.has("srcaddr"), Named.as("sgusage-accepted-inbound"))
                .flatMap((key, doc) -> {
                    List<KeyValue<String, JsonNode>> perGroup = new ArrayList<>();
                    ObjectNode summary = summary(doc);
                    doc.get("security_group_ids").forEach(g -> perGroup.add(KeyValue.pair(g.asText(), summary)));
                    return perGroup;
                }, Named.as("sgusage-per-group"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.serde())
                        .withName("sgusage-by-group").withNumberOfPartitions(config.partitions()))
                .join(groups, (groupId, flow) -> groupId, SgRuleUsageTopology::match, Named.as("sgusage-match"));

        matched.process(() -> new UsageReporter(config), Named.as("sgusage-report"), LAST_HIT_STORE)
                .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("sgusage-report-sink"));

        matched.filter((groupId, m) -> m.path("rules").size() > 0, Named.as("sgusage-hits"))
                .groupByKey(Grouped.with("sgusage-group", Serdes.String(), JsonSerde.serde()))
                .windowedBy(TimeWindows.ofSizeAndGrace(config.window(), config.grace()))
                .aggregate(NODES::objectNode, (groupId, m, sum) -> add((ObjectNode) sum, m), Named.as("sgusage-sum"),
                        Materialized.<String, JsonNode, WindowStore<Bytes, byte[]>>as("sgusage-window-hits")
                                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.serde()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("sgusage-final"))
                .toStream(Named.as("sgusage-closed"))
                .flatMap(SgRuleUsageTopology::hitDocuments, Named.as("sgusage-hit-documents"))
                .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("sgusage-hits-sink"));
    }

    /** What matching and counting need of a flow: less to repartition. */
    private static ObjectNode summary(JsonNode doc) {
        ObjectNode s = NODES.objectNode();
        for (String f : List.of("srcaddr", "protocol", "dstport", "bytes", "packets", "peer_security_group_ids")) {
            if (doc.has(f)) {
                s.set(f, doc.get(f));
            }
        }
        return s;
    }

    /** The group's rules that allow the flow, with the flow's counts: {group_id, group_name, vpc_id, bytes, packets, rules[]}. */
    static JsonNode match(JsonNode flow, JsonNode group) {
        Set<String> peers = new HashSet<>();
        flow.path("peer_security_group_ids").forEach(g -> peers.add(g.asText()));
        SgRuleMatcher.Flow f = new SgRuleMatcher.Flow(Cidr.address(flow.path("srcaddr").asText(null)),
                flow.path("protocol").asInt(-3), flow.has("dstport") ? flow.get("dstport").asInt() : null, null, null, peers);
        ObjectNode out = NODES.objectNode();
        out.put("group_id", group.path("group_id").asText());
        copy(group, out, "group_name");
        copy(group, out, "vpc_id");
        out.put("bytes", flow.path("bytes").asLong(0));
        out.put("packets", flow.path("packets").asLong(0));
        ArrayNode rules = out.putArray("rules");
        for (SgRuleMatcher.Rule rule : SgRuleMatcher.matching(SgRuleMatcher.ingressRules(group), f)) {
            rules.add(ruleObject(rule));
        }
        return out;
    }

    static ObjectNode ruleObject(SgRuleMatcher.Rule rule) {
        ObjectNode r = NODES.objectNode();
        r.put("rule_id", rule.id());
        r.put("protocol", rule.protocolText());
        if (rule.protocol() != -1) {
            r.put("from_port", rule.fromPort());
            r.put("to_port", rule.toPort());
        }
        r.put("source", rule.source());
        r.put("source_kind", rule.kind().name().toLowerCase(java.util.Locale.ROOT));
        return r;
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }

    /** The window's sum: {group fields, "rules": {rule_id: {rule fields, flows, bytes, packets}}}. */
    private static JsonNode add(ObjectNode sum, JsonNode m) {
        copy(m, sum, "group_id");
        copy(m, sum, "group_name");
        copy(m, sum, "vpc_id");
        ObjectNode rules = sum.has("rules") ? (ObjectNode) sum.get("rules") : sum.putObject("rules");
        for (JsonNode rule : m.path("rules")) {
            String id = rule.get("rule_id").asText();
            ObjectNode r = rules.has(id) ? (ObjectNode) rules.get(id) : ((ObjectNode) rule.deepCopy()).put("flows", 0).put("bytes", 0).put("packets", 0);
            r.put("flows", r.get("flows").asLong() + 1);
            r.put("bytes", r.get("bytes").asLong() + m.path("bytes").asLong());
            r.put("packets", r.get("packets").asLong() + m.path("packets").asLong());
            rules.set(id, r);
        }
        return sum;
    }

    private static List<KeyValue<String, byte[]>> hitDocuments(Windowed<String> window, JsonNode sum) {
        List<KeyValue<String, byte[]>> docs = new ArrayList<>();
        String start = Instant.ofEpochMilli(window.window().start()).toString();
        sum.path("rules").forEach(rule -> {
            ObjectNode doc = NODES.objectNode();
            doc.put("@timestamp", start);
            doc.put("window_end", Instant.ofEpochMilli(window.window().end()).toString());
            doc.put("type", "rule_hits");
            copy(sum, doc, "group_id");
            copy(sum, doc, "group_name");
            copy(sum, doc, "vpc_id");
            doc.setAll((ObjectNode) rule);
            docs.add(KeyValue.pair(rule.get("rule_id").asText() + "|" + start, JsonSerde.bytes(doc)));
        });
        return docs;
    }

    /**
     * Remembers when each rule and each group last saw a flow (event time), and every report interval
     * (wall clock) reports, for the groups this task owns, the rules without a flow within the lookback.
     */
    static final class UsageReporter implements Processor<String, JsonNode, String, byte[]> {
        private static final String ANY = "*";
        private final Config config;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Long> lastHit;
        private ReadOnlyKeyValueStore<String, Object> groups;

        UsageReporter(Config config) {
            this.config = config;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.lastHit = context.getStateStore(LAST_HIT_STORE);
            this.groups = context.getStateStore(GROUP_STORE);
            context.schedule(config.reportInterval(), PunctuationType.WALL_CLOCK_TIME, this::report);
        }

        @Override
        public void process(Record<String, JsonNode> record) {
            String groupId = record.key();
            touch(groupId + "|" + ANY, record.timestamp());
            record.value().path("rules").forEach(rule -> touch(groupId + "|" + rule.get("rule_id").asText(), record.timestamp()));
        }

        private void touch(String key, long ts) {
            Long seen = lastHit.get(key);
            if (seen == null || seen < ts) {
                lastHit.put(key, ts);
            }
        }

        void report(long now) {
            long since = now - config.lookback().toMillis();
            Map<String, Long> seen = new HashMap<>();
            try (KeyValueIterator<String, Long> it = lastHit.all()) {
                it.forEachRemaining(kv -> seen.put(kv.key, kv.value));
            }
            Set<String> present = new HashSet<>();
            try (KeyValueIterator<String, Object> it = groups.all()) {
                while (it.hasNext()) {
                    KeyValue<String, Object> kv = it.next();
                    Object v = kv.value instanceof ValueAndTimestamp<?> vt ? vt.value() : kv.value;
                    if (!(v instanceof JsonNode group) || !owned(kv.key)) {
                        continue;
                    }
                    present.add(kv.key);
                    reportGroup(kv.key, group, seen, since, now);
                }
            }
            // groups deleted from the inventory: forget their hits
            seen.keySet().stream().filter(k -> !present.contains(k.substring(0, k.indexOf('|')))).forEach(lastHit::delete);
        }

        private void reportGroup(String groupId, JsonNode group, Map<String, Long> seen, long since, long now) {
            List<SgRuleMatcher.Rule> rules = SgRuleMatcher.ingressRules(group);
            ArrayNode unused = NODES.arrayNode();
            int judged = 0;
            for (SgRuleMatcher.Rule rule : rules) {
                if (rule.kind() == SgRuleMatcher.SourceKind.PREFIX_LIST) {
                    continue;
                }
                judged++;
                Long last = seen.get(groupId + "|" + rule.id());
                if (last == null || last < since) {
                    unused.add(ruleObject(rule));
                }
            }
            Long groupLast = seen.get(groupId + "|" + ANY);
            boolean noTraffic = groupLast == null || groupLast < since;
            if (unused.isEmpty() && !noTraffic) {
                return;
            }
            String at = Instant.ofEpochMilli(now).toString();
            ObjectNode doc = NODES.objectNode();
            doc.put("@timestamp", at);
            doc.put("type", "usage_report");
            doc.put("group_id", groupId);
            copy(group, doc, "group_name");
            copy(group, doc, "vpc_id");
            doc.put("lookback", config.lookback().toString());
            doc.put("rules_total", judged);
            doc.set("unused_rules", unused);
            doc.put("no_traffic", noTraffic);
            doc.put("candidate_for_removal", noTraffic);
            context.forward(new Record<>("report|" + groupId + "|" + at, JsonSerde.bytes(doc), now));
        }

        /** The group's flows reach this task's partition of the repartition topic (the default partitioner's choice). */
        private boolean owned(String groupId) {
            int partition = Utils.toPositive(Utils.murmur2(groupId.getBytes(StandardCharsets.UTF_8))) % config.partitions();
            return partition == context.taskId().partition();
        }
    }
}
