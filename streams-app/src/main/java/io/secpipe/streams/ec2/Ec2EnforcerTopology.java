package io.secpipe.streams.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.StreamsSettings;
import io.secpipe.streams.deadletter.DeadLetter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The EC2 instance enforcer. Instance states come from three inputs: ref.instances (the inventory: seeds
 * the store, never decides), EventBridge "EC2 Instance State-change Notification"s, and the instance lifecycle
 * calls in cloudtrail.ec2 (Run/Start/Stop/TerminateInstances name instances and their state in their response:
 * RunInstances as {@code instanceState}, the others as {@code currentState}; the topic's other calls are ignored).
 * A store keeps each instance's latest state by event time (an older event than the one stored is ignored:
 * out-of-order safe). When an instance starts (pending/running after
 * unknown, stopped or stopping), one decision goes to ec2.enforcement: DELETE when its region is not allowed or
 * the non-terminated instances exceed the maximum, else ALLOW. As the seed's Lambda does, it fails closed (no
 * allowed region configured: every launch is DELETE) and counts the instances of all allowed regions together
 * against one maximum (default 1); {@code ec2.enforcer.count.scope=region} counts each region on its own.
 * With the actuator enabled (off by default), a DELETE is carried out before the decision is published, and the
 * decision says how it went ({@code outcome}).
 */
public final class Ec2EnforcerTopology {

    /** Counting scope: the seed's one total over the allowed regions, or each region against the maximum. */
    public enum CountScope { ALLOWED_REGIONS, REGION }

    /**
     * @param allowedRegions empty: no region is allowed, every launch is DELETE (fail closed)
     * @param tags fields added to every decision as they are ({@code ec2.enforcer.tag.<field>=<value>}), e.g. the
     *             seed's {@code stack_id} and {@code lab_id}
     * @param snsActions the decisions published to SNS (default both, as the seed notified every decision)
     */
    public record Config(String inventoryTopic, String stateTopic, String callsTopic, String outputTopic,
                         String deadLetterTopic, Set<String> allowedRegions, int maxInstances, CountScope countScope,
                         long terminatedRetentionMs, boolean actuatorEnabled, URI actuatorEndpoint,
                         String snsTopicArn, URI snsEndpoint, Set<String> snsActions, Map<String, String> tags) {

        static final String TAG_PREFIX = "ec2.enforcer.tag.";

        public static Config from(Properties props) {
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.ec2());
            String endpoint = c.getString("ec2.enforcer.actuator.endpoint").trim();
            String snsEndpoint = c.getString("ec2.enforcer.sns.endpoint").trim();
            String scope = c.getString("ec2.enforcer.count.scope").trim();
            CountScope countScope = switch (scope) {
                case "allowed-regions" -> CountScope.ALLOWED_REGIONS;
                case "region" -> CountScope.REGION;
                default -> throw new IllegalArgumentException("ec2.enforcer.count.scope must be allowed-regions or region, not " + scope);
            };
            Map<String, String> tags = new TreeMap<>();
            for (Map.Entry<String, Object> tag : c.originalsWithPrefix(TAG_PREFIX).entrySet()) {
                String field = tag.getKey();
                if (!field.isEmpty()) {
                    if (DECISION_FIELDS.contains(field)) {
                        throw new IllegalArgumentException(TAG_PREFIX + field + ": " + field + " is a field of the decision itself");
                    }
                    tags.put(field, String.valueOf(tag.getValue()).trim());
                }
            }
            return new Config(
                    c.getString("ec2.enforcer.inventory.topic"),
                    c.getString("ec2.enforcer.state.topic"),
                    c.getString("ec2.enforcer.calls.topic"),
                    c.getString("ec2.enforcer.output.topic"),
                    c.getString("ec2.enforcer.dlq.topic"),
                    list(String.join(",", c.getList("ec2.enforcer.allowed.regions"))),
                    // the seed's MAX_INSTANCES default
                    c.getInt("ec2.enforcer.max.instances"),
                    countScope,
                    c.getLong("ec2.enforcer.terminated.retention.ms"),
                    c.getBoolean("ec2.enforcer.actuator.enabled"),
                    endpoint.isEmpty() ? null : URI.create(endpoint),
                    c.getString("ec2.enforcer.sns.topic.arn").trim(),
                    snsEndpoint.isEmpty() ? null : URI.create(snsEndpoint),
                    list(String.join(",", c.getList("ec2.enforcer.sns.actions"))),
                    Map.copyOf(tags));
        }

        private static Set<String> list(String value) {
            return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The fields every decision has; a tag may not take one of their names. */
    static final Set<String> DECISION_FIELDS = Set.of("@timestamp", "action", "instance_id", "num_instances", "max_instances",
            "region", "instance_type", "account", "timestamp", "event_time", "reason", "state", "trigger", "outcome", "error");

    /** The CloudTrail calls that change an instance's lifecycle state; cloudtrail.ec2 carries others too. */
    static final Set<String> LIFECYCLE_CALLS = Set.of("RunInstances", "StartInstances", "StopInstances", "TerminateInstances");

    /** Repartition key when every instance is counted together: one task sees them all. */
    static final String ALL = "all";

    static final String STORE = "ec2-enforcer-instances";
    static final String STATE_CHANGE = "EC2 Instance State-change Notification";

    /** Instance events read from an input, or the raw record that could not be read (headers say why). */
    record Extracted(List<InstanceEvent> events, byte[] raw) {
    }

    private Ec2EnforcerTopology() {
    }

    /** The SDK actuator, used only if the config enables it. */
    public static void addTo(StreamsBuilder builder, Config config) {
        addTo(builder, config, config.actuatorEnabled() ? new SdkEc2Actuator(config.actuatorEndpoint(), null) : null);
    }

    /** {@code actuator} null, or the config disabling it: decisions are published, nothing is terminated. */
    public static void addTo(StreamsBuilder builder, Config config, Ec2Actuator actuator) {
        addTo(builder, config, actuator, Clock.systemUTC());
    }

    /** {@code clock}: the decision time every decision carries beside its event time. */
    public static void addTo(StreamsBuilder builder, Config config, Ec2Actuator actuator, Clock clock) {
        Consumed<String, byte[]> bytes = Consumed.with(Serdes.String(), Serdes.ByteArray());
        KStream<String, Extracted> inventory = builder.stream(config.inventoryTopic(), bytes.withName("ec2-enforcer-inventory"))
                .processValues(() -> new Extract("ec2-enforcer-inventory", Ec2EnforcerTopology::fromInventory),
                        Named.as("ec2-enforcer-read-inventory"));
        KStream<String, Extracted> states = builder.stream(config.stateTopic(), bytes.withName("ec2-enforcer-state-changes"))
                .processValues(() -> new Extract("ec2-enforcer-state-change", Ec2EnforcerTopology::fromStateChange),
                        Named.as("ec2-enforcer-read-state-changes"));
        KStream<String, Extracted> calls = builder.stream(config.callsTopic(), bytes.withName("ec2-enforcer-calls"))
                .processValues(() -> new Extract("ec2-enforcer-call", Ec2EnforcerTopology::fromCall),
                        Named.as("ec2-enforcer-read-calls"));

        var branches = inventory.merge(states, Named.as("ec2-enforcer-merge-states")).merge(calls, Named.as("ec2-enforcer-merge-calls"))
                .split(Named.as("ec2-enforcer-"))
                .branch((key, e) -> e.raw() == null, Branched.as("read"))
                .defaultBranch(Branched.withConsumer(rejects -> rejects
                        .mapValues(Extracted::raw, Named.as("ec2-enforcer-raw-record"))
                        .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "dead-letter"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()));
        boolean perRegion = config.countScope() == CountScope.REGION;
        Ec2Actuator acting = config.actuatorEnabled() ? actuator : null;
        KStream<String, byte[]> decisions = branches.get("ec2-enforcer-read")
                .flatMap((key, e) -> e.events().stream().map(ev -> KeyValue.pair(perRegion ? ev.region() : ALL, ev.toBytes())).toList(),
                        Named.as("ec2-enforcer-key-by-region"))
                // one task sees every instance counted together: all of them (the seed's total), or a region's
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("ec2-enforcer-by-region"))
                .process(() -> new Decide(config, acting, clock), Named.as("ec2-enforcer-decide"), STORE);
        decisions.to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));

        if (!config.snsTopicArn().isEmpty()) {
            SnsPublisher sns = new SnsPublisher(config.snsTopicArn(), config.snsEndpoint(), null);
            decisions.filter((id, d) -> config.snsActions().contains(tree(d).path("action").asText()), Named.as("ec2-enforcer-to-notify"))
                    .process(() -> new Notify(sns), Named.as("ec2-enforcer-sns"));
        }
    }

    @FunctionalInterface
    interface Reader {
        List<InstanceEvent> read(JsonNode value, long recordTime) throws IOException;
    }

    /** ref.instances documents (Ec2Documents): the inventory's view at the time it was read. Tombstones say nothing. */
    static List<InstanceEvent> fromInventory(JsonNode doc, long recordTime) throws IOException {
        if (doc == null || doc.isNull()) {
            return List.of();
        }
        String id = text(doc, "instance_id");
        String region = text(doc, "region");
        String state = text(doc, "state");
        if (id == null || region == null || state == null) {
            throw new IOException("inventory document lacks instance_id, region or state");
        }
        return List.of(new InstanceEvent(id, region, state, text(doc, "instance_type"), text(doc, "account_id"),
                recordTime, "inventory"));
    }

    /** EventBridge state-change notifications; other envelopes on the topic are not for us. */
    static List<InstanceEvent> fromStateChange(JsonNode envelope, long recordTime) throws IOException {
        if (envelope == null || !envelope.isObject()) {
            throw new IOException("not a JSON object");
        }
        if (!STATE_CHANGE.equals(text(envelope, "detail-type"))) {
            return List.of();
        }
        JsonNode detail = envelope.path("detail");
        String id = text(detail, "instance-id");
        String state = text(detail, "state");
        String region = text(envelope, "region");
        String time = text(envelope, "time");
        if (id == null || state == null || region == null || time == null) {
            throw new IOException("state-change notification lacks detail.instance-id, detail.state, region or time");
        }
        return List.of(new InstanceEvent(id, region, state, null, text(envelope, "account"), millis(time), "state-change"));
    }

    /**
     * cloudtrail.ec2 documents: a successful lifecycle call's response names each instance and its state, one item per
     * instance. RunInstances' items say {@code instanceState} (the launched instance, as DescribeInstances describes
     * one); Start/Stop/TerminateInstances' say {@code currentState} (beside {@code previousState}). Either is read.
     * The region is the call's ({@code aws_region}, CloudTrail's awsRegion).
     */
    static List<InstanceEvent> fromCall(JsonNode doc, long recordTime) throws IOException {
        if (doc == null || !doc.isObject()) {
            throw new IOException("not a JSON object");
        }
        String call = text(doc, "event_name");
        if (doc.hasNonNull("error_code") || !LIFECYCLE_CALLS.contains(call)) {
            return List.of(); // failed calls and calls that change no instance's state (CreateImage, CreateVpc, ...)
        }
        String region = text(doc, "aws_region");
        String time = text(doc, "@timestamp");
        List<InstanceEvent> out = new ArrayList<>();
        for (JsonNode item : doc.path("response_elements").path("instancesSet").path("items")) {
            String id = text(item, "instanceId");
            String state = firstNonNull(text(item.path("currentState"), "name"), text(item.path("instanceState"), "name"));
            if (id != null && state != null) {
                if (region == null || time == null) {
                    throw new IOException("call document lacks aws_region or @timestamp");
                }
                out.add(new InstanceEvent(id, region, state, firstNonNull(text(item, "instanceType"), text(doc, "instance_type")),
                        text(doc, "account_id"), millis(time), call));
            }
        }
        return out;
    }

    static final class Extract implements FixedKeyProcessor<String, byte[], Extracted> {
        private final String stage;
        private final Reader reader;
        private FixedKeyProcessorContext<String, Extracted> context;
        private DeadLetter deadLetter;

        Extract(String stage, Reader reader) {
            this.stage = stage;
            this.reader = reader;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Extracted> context) {
            this.context = context;
            this.deadLetter = new DeadLetter(context, stage);
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            try {
                JsonNode value = record.value() == null ? null : InstanceEvent.JSON.readTree(record.value());
                List<InstanceEvent> events = reader.read(value, record.timestamp());
                if (!events.isEmpty()) {
                    context.forward(record.withValue(new Extracted(events, null)));
                }
            } catch (Exception e) {
                deadLetter.mark(record.headers(), e);
                context.forward(record.withValue(new Extracted(List.of(), record.value())));
            }
        }
    }

    /** Keeps the instances the task counts, decides on each start and, with an actuator, acts on a DELETE. */
    static final class Decide implements Processor<String, byte[], String, byte[]> {
        private final Config config;
        private final Ec2Actuator actuator;
        private final Clock clock;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> store;

        /** {@code actuator} null: decisions only, nothing is terminated. */
        Decide(Config config, Ec2Actuator actuator, Clock clock) {
            this.config = config;
            this.actuator = actuator;
            this.clock = clock;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            InstanceEvent event = InstanceEvent.fromBytes(record.value());
            String key = event.region() + "/" + event.instanceId();
            byte[] storedBytes = store.get(key);
            InstanceEvent before = storedBytes == null ? null : InstanceEvent.fromBytes(storedBytes);
            if (before != null && before.epochMillis() > event.epochMillis()) {
                return; // a later state is known already: this one arrived out of order
            }
            InstanceEvent now = event.over(before);
            store.put(key, now.toBytes());
            boolean started = now.starting() && (before == null || !before.starting());
            if (!started || "inventory".equals(event.origin())) {
                return; // only launches and starts are decided; the inventory only seeds the counts
            }
            int count = countAndPurge(event.region(), event.epochMillis());
            ObjectNode decision = decision(now, count);
            if ("DELETE".equals(decision.path("action").asText())) {
                act(decision);
            }
            context.forward(new Record<>(now.instanceId(), bytes(decision), event.epochMillis(), record.headers())
                    .withHeaders(idHeader(record, now.instanceId() + "@" + event.epochMillis())));
        }

        /** One message per decision: the outcome of carrying it out is a field of it, not a second message. */
        private void act(ObjectNode decision) {
            if (actuator == null) {
                decision.put("outcome", "not_acted");
                return;
            }
            try {
                actuator.terminate(decision.path("region").asText(), decision.path("instance_id").asText());
                decision.put("outcome", "terminated");
            } catch (Exception e) {
                // Reported, not retried: a decision is acted on once; the next launch or start decides again.
                decision.put("outcome", "failed");
                decision.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        /**
         * The counted instances: those of every allowed region together (the seed's total, {@code region} itself
         * only counted if allowed), or, per region, the region's. Terminated instances kept past the retention (for
         * ordering) are dropped on the way.
         */
        private int countAndPurge(String region, long now) {
            int count = 0;
            List<String> expired = new ArrayList<>();
            boolean perRegion = config.countScope() == CountScope.REGION;
            try (KeyValueIterator<String, byte[]> it = perRegion ? store.prefixScan(region + "/", new StringSerializer()) : store.all()) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    InstanceEvent e = InstanceEvent.fromBytes(kv.value);
                    if (e.counted()) {
                        if (perRegion || config.allowedRegions().contains(e.region())) {
                            count++;
                        }
                    } else if (now - e.epochMillis() > config.terminatedRetentionMs()) {
                        expired.add(kv.key);
                    }
                }
            }
            expired.forEach(store::delete);
            return count;
        }

        private ObjectNode decision(InstanceEvent e, int count) {
            String where = config.countScope() == CountScope.REGION ? "in " + e.region() : "in the allowed regions";
            String action;
            String reason;
            if (config.allowedRegions().isEmpty()) {
                action = "DELETE";
                reason = "no region is allowed (ec2.enforcer.allowed.regions is empty)";
            } else if (!config.allowedRegions().contains(e.region())) {
                action = "DELETE";
                reason = "region " + e.region() + " is not allowed (allowed: " + String.join(", ", config.allowedRegions()) + ")";
            } else if (count > config.maxInstances()) {
                action = "DELETE";
                reason = count + " instances " + where + " exceed the maximum of " + config.maxInstances();
            } else {
                action = "ALLOW";
                reason = count + " of at most " + config.maxInstances() + " instances " + where;
            }
            ObjectNode d = InstanceEvent.JSON.createObjectNode();
            String at = Instant.ofEpochMilli(e.epochMillis()).toString();
            d.put("@timestamp", at);
            d.put("action", action);
            d.put("instance_id", e.instanceId());
            d.put("num_instances", count);
            d.put("max_instances", config.maxInstances());
            d.put("region", e.region());
            putText(d, "instance_type", e.instanceType());
            putText(d, "account", e.account());
            // the seed's timestamp is when the Lambda decided; the event's own time is kept beside it
            d.put("timestamp", Instant.now(clock).toString());
            d.put("event_time", at);
            config.tags().forEach(d::put);
            d.put("reason", reason);
            d.put("state", e.state());
            d.put("trigger", e.origin());
            return d;
        }
    }

    /** Publishes decisions to SNS. A failed publish is logged, not fatal: the decision is in ec2.enforcement anyway. */
    static final class Notify implements Processor<String, byte[], Void, Void> {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Notify.class);
        private final SnsPublisher sns;

        Notify(SnsPublisher sns) {
            this.sns = sns;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            try {
                sns.publish(new String(record.value(), StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("SNS publish of the decision on {} failed: {}", record.key(), e.toString());
            }
        }
    }

    private static org.apache.kafka.common.header.Headers idHeader(Record<String, byte[]> record, String id) {
        org.apache.kafka.common.header.Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders(record.headers().toArray());
        headers.remove(SecpipeHeaders.ID).add(SecpipeHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static long millis(String iso) throws IOException {
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IOException("unparseable time: " + iso);
        }
    }

    static JsonNode tree(byte[] b) {
        try {
            return InstanceEvent.JSON.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return InstanceEvent.JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isEmpty() ? null : v.asText();
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
