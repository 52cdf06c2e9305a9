package io.secpipe.streams.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.streams.deadletter.DeadLetter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
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
 * the store, never decides), EventBridge "EC2 Instance State-change Notification"s, and the EC2 calls in
 * cloudtrail.ec2 (RunInstances and the others name instances and their current state in their response).
 * All are re-keyed by region so one task holds a region's instances; a store keeps each instance's latest
 * state by event time (an older event than the one stored is ignored: out-of-order safe). When an instance
 * starts (pending/running after unknown, stopped or stopping), a decision goes to ec2.enforcement: DELETE
 * when its region is not allowed or the region's non-terminated instances exceed the maximum, else ALLOW.
 * With the actuator enabled (off by default), a DELETE is carried out and its outcome reported too.
 */
public final class Ec2EnforcerTopology {

    public record Config(String inventoryTopic, String stateTopic, String callsTopic, String outputTopic,
                         String deadLetterTopic, Set<String> allowedRegions, int maxInstances,
                         long terminatedRetentionMs, boolean actuatorEnabled, URI actuatorEndpoint,
                         String snsTopicArn, URI snsEndpoint, Set<String> snsActions) {
        public static Config from(Properties props) {
            String endpoint = props.getProperty("ec2.enforcer.actuator.endpoint", "").trim();
            String snsEndpoint = props.getProperty("ec2.enforcer.sns.endpoint", "").trim();
            return new Config(
                    props.getProperty("ec2.enforcer.inventory.topic", "ref.instances"),
                    props.getProperty("ec2.enforcer.state.topic", "raw.ec2-events"),
                    props.getProperty("ec2.enforcer.calls.topic", "cloudtrail.ec2"),
                    props.getProperty("ec2.enforcer.output.topic", "ec2.enforcement"),
                    props.getProperty("ec2.enforcer.dlq.topic", "dlq.ec2-enforcer"),
                    Arrays.stream(props.getProperty("ec2.enforcer.allowed.regions", "").split(","))
                            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new)),
                    Integer.parseInt(props.getProperty("ec2.enforcer.max.instances", "10").trim()),
                    Long.parseLong(props.getProperty("ec2.enforcer.terminated.retention.ms", "86400000").trim()),
                    Boolean.parseBoolean(props.getProperty("ec2.enforcer.actuator.enabled", "false").trim()),
                    endpoint.isEmpty() ? null : URI.create(endpoint),
                    props.getProperty("ec2.enforcer.sns.topic.arn", "").trim(),
                    snsEndpoint.isEmpty() ? null : URI.create(snsEndpoint),
                    Arrays.stream(props.getProperty("ec2.enforcer.sns.actions", "DELETE,DELETE failed").split(","))
                            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new)));
        }
    }

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
        KStream<String, byte[]> decisions = branches.get("ec2-enforcer-read")
                .flatMap((key, e) -> e.events().stream().map(ev -> KeyValue.pair(ev.region(), ev.toBytes())).toList(),
                        Named.as("ec2-enforcer-key-by-region"))
                // one task per region sees all of its instances: the count is the region's, not a partition's
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("ec2-enforcer-by-region"))
                .process(() -> new Decide(config), Named.as("ec2-enforcer-decide"), STORE);
        decisions.to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));

        KStream<String, byte[]> reports = decisions;
        if (config.actuatorEnabled() && actuator != null) {
            KStream<String, byte[]> outcomes = decisions
                    .filter((id, d) -> "DELETE".equals(tree(d).path("action").asText()), Named.as("ec2-enforcer-deletes"))
                    .processValues(() -> new Actuate(actuator), Named.as("ec2-enforcer-actuate"));
            outcomes.to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()));
            reports = decisions.merge(outcomes, Named.as("ec2-enforcer-reports"));
        }
        if (!config.snsTopicArn().isEmpty()) {
            SnsPublisher sns = new SnsPublisher(config.snsTopicArn(), config.snsEndpoint(), null);
            reports.filter((id, d) -> config.snsActions().contains(tree(d).path("action").asText()), Named.as("ec2-enforcer-to-notify"))
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

    /** cloudtrail.ec2 documents: a successful call's response names each instance and its current state. */
    static List<InstanceEvent> fromCall(JsonNode doc, long recordTime) throws IOException {
        if (doc == null || !doc.isObject()) {
            throw new IOException("not a JSON object");
        }
        if (doc.hasNonNull("error_code")) {
            return List.of();
        }
        String region = text(doc, "aws_region");
        String time = text(doc, "@timestamp");
        String call = text(doc, "event_name");
        List<InstanceEvent> out = new ArrayList<>();
        for (JsonNode item : doc.path("response_elements").path("instancesSet").path("items")) {
            String id = text(item, "instanceId");
            String state = text(item.path("currentState"), "name");
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

    /** Keeps the instances of the task's regions and decides on each start. */
    static final class Decide implements Processor<String, byte[], String, byte[]> {
        private final Config config;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> store;

        Decide(Config config) {
            this.config = config;
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
            context.forward(new Record<>(now.instanceId(), decision(now, count), event.epochMillis(), record.headers())
                    .withHeaders(idHeader(record, now.instanceId() + "@" + event.epochMillis())));
        }

        /** The region's counted instances; terminated ones kept past the retention (for ordering) are dropped now. */
        private int countAndPurge(String region, long now) {
            int count = 0;
            List<String> expired = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = store.prefixScan(region + "/", new StringSerializer())) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    InstanceEvent e = InstanceEvent.fromBytes(kv.value);
                    if (e.counted()) {
                        count++;
                    } else if ("terminated".equals(e.state()) && now - e.epochMillis() > config.terminatedRetentionMs()) {
                        expired.add(kv.key);
                    }
                }
            }
            expired.forEach(store::delete);
            return count;
        }

        private byte[] decision(InstanceEvent e, int count) {
            boolean regionAllowed = config.allowedRegions().isEmpty() || config.allowedRegions().contains(e.region());
            String action;
            String reason;
            if (!regionAllowed) {
                action = "DELETE";
                reason = "region " + e.region() + " is not allowed (allowed: " + String.join(", ", config.allowedRegions()) + ")";
            } else if (count > config.maxInstances()) {
                action = "DELETE";
                reason = count + " instances in " + e.region() + " exceed the maximum of " + config.maxInstances();
            } else {
                action = "ALLOW";
                reason = count + " of at most " + config.maxInstances() + " instances in " + e.region();
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
            d.put("timestamp", at);
            d.put("reason", reason);
            d.put("state", e.state());
            d.put("trigger", e.origin());
            return bytes(d);
        }
    }

    /** Carries out DELETE decisions, reporting "DELETE done" or "DELETE failed" with the error. */
    static final class Actuate implements FixedKeyProcessor<String, byte[], byte[]> {
        private final Ec2Actuator actuator;
        private FixedKeyProcessorContext<String, byte[]> context;

        Actuate(Ec2Actuator actuator) {
            this.actuator = actuator;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            ObjectNode report = (ObjectNode) tree(record.value());
            String id = report.path("instance_id").asText();
            try {
                actuator.terminate(report.path("region").asText(), id);
                report.put("action", "DELETE done");
            } catch (Exception e) {
                // Reported, not retried: a decision is acted on once; the next launch or start decides again.
                report.put("action", "DELETE failed");
                report.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            String docId = new String(record.headers().lastHeader(SecpipeHeaders.ID).value(), StandardCharsets.UTF_8) + "/actuator";
            record.headers().remove(SecpipeHeaders.ID).add(SecpipeHeaders.ID, docId.getBytes(StandardCharsets.UTF_8));
            context.forward(record.withValue(bytes(report)));
        }
    }

    /** Publishes reports to SNS. A failed publish is logged, not fatal: the report is in ec2.enforcement anyway. */
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
