package io.secpipe.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import io.secpipe.formats.Decompression;
import io.secpipe.formats.framing.Frame;
import io.secpipe.formats.framing.FrameReader;
import io.secpipe.formats.framing.Framing;
import io.secpipe.formats.framing.FramingType;
import io.secpipe.formats.framing.Framings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Sends files through the running stack the way a user's data goes: a source connector reads them
 * (a connector of its own per replay, deleted afterwards), the Streams app parses, the sink indexes.
 * Replay knows every position it sends, hence every document id, and waits until each position is
 * either indexed (stamped {@code event.ingested} since the replay began) or in the dead-letter topic.
 */
public final class Replay {

    /**
     * What can be replayed: the connector body to use and, where every record becomes a document, the
     * indices to find them in. Otherwise a replay is complete when every record is in the connector's
     * topic: reference data has no index, and CloudTrail records become documents only when the EC2
     * pattern selects them (their documents are counted after the replay, for the summary).
     */
    public enum Type {
        // the per-minute indices share the prefix: excluded by name (cwl-vpcflow-* alone would count them too)
        VPCFLOW("vpcflow-file-source.json", "cwl-vpcflow-*,-cwl-vpcflow-minute-*"),
        OSSEC("ossec-file-source.json", "cwl-ossec-*,-cwl-ossec-minute-*"),
        CLOUDTRAIL("cloudtrail-file-source.json", null),
        CSV("csv-file-source.json", null),
        // clickstream events and sensor readings become per-minute counts and anomaly scores, not one document each
        CLICKS("clicks-file-source.json", null),
        SENSOR("sensor-file-source.json", null),
        // the EC2 inventory file connector takes any describe-* output; the three names say what the user holds
        ENI("ec2-inventory-file-source.json", null),
        SECURITY_GROUPS("ec2-inventory-file-source.json", null),
        INSTANCES("ec2-inventory-file-source.json", null);

        final String connectorConfig;
        /** The indices the documents go to, as a search target; null where records do not become documents one for one. */
        public final String indexPattern;

        Type(String connectorConfig, String indexPattern) {
            this.connectorConfig = connectorConfig;
            this.indexPattern = indexPattern;
        }

        boolean ec2Inventory() {
            return connectorConfig.startsWith("ec2-inventory");
        }

        public static Type of(String name) {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Counts for one replay: records sent, delivered (documents per index, or records in the topic), dead-lettered. */
    public record Result(long sent, long indexed, long deadLettered, Map<String, Long> perIndex, Duration took) {
        public boolean complete() {
            return indexed + deadLettered == sent;
        }
    }

    private static final int IDS_PER_QUERY = 10_000;

    private final StackSettings settings;
    private final PrintStream out;
    private final Http engine;
    private final Http connect;

    public Replay(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.engine = new Http(settings.engineUrl());
        this.connect = ConnectWorker.rest(settings);
    }

    public Result run(Type type, List<Path> files, Duration timeout) throws IOException, InterruptedException, StackException {
        LocalStack stack = new LocalStack(settings, out);
        List<String> stopped = stack.processes().entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        if (!stopped.isEmpty()) {
            throw new StackException("The local stack is not running (" + String.join(", ", stopped) + " stopped): run 'bin/secpipe up' first");
        }
        List<Path> absolute = new ArrayList<>();
        for (Path file : files) {
            Path p = file.toAbsolutePath().normalize();
            if (!Files.isReadable(p)) {
                throw new StackException("Cannot read " + p);
            }
            absolute.add(p);
        }
        ObjectNode config = (ObjectNode) Http.JSON.readTree(
                settings.root().resolve("connector-configs/local/replay").resolve(type.connectorConfig).toFile());
        List<String> topics = type.ec2Inventory()
                ? List.of(config.path("eni.topic").asText(), config.path("security.groups.topic").asText(), config.path("instances.topic").asText())
                : List.of(config.path("topic").asText());
        String topic = String.join(", ", topics);
        String errorsTopic = config.path("errors.topic").asText("dlq.vpcflow");
        Map<String, String> idsByPosition = type.ec2Inventory() ? ec2InventoryPositions(absolute) : expectedPositions(framing(config), absolute);
        Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
        String connector = "replay-" + type.id() + "-" + since.toEpochMilli();
        config.put("files", absolute.stream().map(Path::toString).collect(Collectors.joining(",")));
        out.println("Replaying " + absolute.size() + " file(s), " + idsByPosition.size() + " records, through connector " + connector);
        // the connector's errors topic and the Streams app's dead letters (for vpcflow the same topic)
        try (PositionWatch deadLetters = new PositionWatch(List.of(errorsTopic), since, idsByPosition.keySet());
             PositionWatch delivered = type.indexPattern == null ? new PositionWatch(topics, since, idsByPosition.keySet()) : null) {
            connect.send("PUT", "/connectors/" + connector + "/config", config).orThrow("PUT /connectors/" + connector + "/config");
            List<String> ids = List.copyOf(idsByPosition.values());
            String where = type.indexPattern == null ? "in " + topic : "indexed";
            Instant deadline = Instant.now().plus(timeout);
            Instant nextReport = Instant.now().plusSeconds(5);
            long arrived = 0;
            long dead = 0;
            while (true) {
                dead = deadLetters.poll();
                try {
                    arrived = delivered != null ? delivered.poll() : countIndexed(type, ids, since);
                } catch (IOException e) {
                    // a daily index the sink has just created answers 503 until its shard is allocated: not yet, not failed
                    if (Instant.now().isAfter(deadline)) {
                        throw e;
                    }
                }
                if (arrived + dead >= ids.size() || Instant.now().isAfter(deadline)) {
                    break;
                }
                if (Instant.now().isAfter(nextReport)) {
                    out.printf("  %d of %d %s, %d dead-lettered (%d s)%n", arrived, ids.size(), where, dead,
                            Duration.between(since, Instant.now()).toSeconds());
                    nextReport = Instant.now().plusSeconds(5);
                }
                ConnectWorker.running(connect, connector); // fails fast when a task failed
                Thread.sleep(500);
            }
            Map<String, Long> perIndex = new TreeMap<>(type.indexPattern == null ? Map.of(topic, arrived) : perIndex(type.indexPattern, ids, since));
            if (type == Type.CLOUDTRAIL) {
                perIndex.putAll(settled("cloudtrail-ec2-*", ids, since));
            }
            Result result = new Result(ids.size(), arrived, dead, perIndex, Duration.between(since, Instant.now()));
            print(where, errorsTopic, result);
            return result;
        } finally {
            connect.send("DELETE", "/connectors/" + connector, null);
        }
    }

    /** The framing the connector body names, built as the connector builds it. */
    static Framing framing(JsonNode config) {
        List<String> keyFields = List.of(config.path("key.field").asText("").split(",")).stream()
                .map(String::strip).filter(f -> !f.isEmpty()).toList();
        return Framings.create(FramingType.of(config.path("framing").asText("flowlog")),
                config.path("format").isMissingNode() ? null : config.path("format").asText(),
                keyFields, config.path("csv.key.column").isMissingNode() ? null : config.path("csv.key.column").asText());
    }

    /**
     * Every position the source connector will send, with its document id: the files framed as the
     * connector frames them. A stream that breaks off (a truncated gzip) ends in one error record at the
     * next position, as the connector reports it.
     */
    static Map<String, String> expectedPositions(Framing framing, List<Path> files) throws IOException {
        Map<String, String> idsByPosition = new LinkedHashMap<>();
        for (Path file : files) {
            long last = 0;
            try (FrameReader reader = framing.open(Decompression.open(Files.newInputStream(file)))) {
                for (Frame frame = reader.next(0); frame != null; frame = reader.next(frame.position())) {
                    SourcePosition position = SourcePosition.ofFileLine(file, frame.position());
                    idsByPosition.put(position.uri(), frame.headers().getOrDefault(SecpipeHeaders.ID, position.documentId()));
                    last = frame.position();
                }
            } catch (java.io.EOFException | java.util.zip.ZipException broken) {
                SourcePosition position = SourcePosition.ofFileLine(file, last + 1);
                idsByPosition.put(position.uri(), position.documentId());
            }
        }
        return idsByPosition;
    }

    /**
     * The records the EC2 inventory file connector sends: one per resource of the describe-* output, at a
     * JSON pointer to it ({@code #/NetworkInterfaces/0}, {@code #/Reservations/0/Instances/1}), keyed by its id.
     */
    static Map<String, String> ec2InventoryPositions(List<Path> files) throws IOException {
        Map<String, String> idsByPosition = new LinkedHashMap<>();
        for (Path file : files) {
            JsonNode root;
            try (var in = Decompression.open(Files.newInputStream(file))) {
                root = Http.JSON.readTree(in);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                idsByPosition.put("file:" + file, "unparseable"); // the connector sends one error record for the file
                continue;
            }
            JsonNode enis = root.path("NetworkInterfaces");
            for (int i = 0; i < enis.size(); i++) {
                idsByPosition.put("file:" + file + "#/NetworkInterfaces/" + i, enis.get(i).path("NetworkInterfaceId").asText());
            }
            JsonNode groups = root.path("SecurityGroups");
            for (int i = 0; i < groups.size(); i++) {
                idsByPosition.put("file:" + file + "#/SecurityGroups/" + i, groups.get(i).path("GroupId").asText());
            }
            JsonNode reservations = root.path("Reservations");
            for (int r = 0; r < reservations.size(); r++) {
                JsonNode instances = reservations.get(r).path("Instances");
                for (int i = 0; i < instances.size(); i++) {
                    idsByPosition.put("file:" + file + "#/Reservations/" + r + "/Instances/" + i, instances.get(i).path("InstanceId").asText());
                }
            }
        }
        return idsByPosition;
    }

    private ObjectNode query(List<String> ids, Instant since) {
        ObjectNode query = Http.JSON.createObjectNode();
        var filter = query.putObject("bool").putArray("filter");
        filter.addObject().putObject("ids").set("values", Http.JSON.valueToTree(ids));
        filter.addObject().putObject("range").putObject("event.ingested").put("gte", since.toString());
        return query;
    }

    private long countIndexed(Type type, List<String> ids, Instant since) throws IOException, InterruptedException {
        long count = 0;
        for (int i = 0; i < ids.size(); i += IDS_PER_QUERY) {
            ObjectNode body = Http.JSON.createObjectNode();
            body.set("query", query(ids.subList(i, Math.min(ids.size(), i + IDS_PER_QUERY)), since));
            count += engine.send("POST", "/" + type.indexPattern + "/_count", body).orThrow("_count").body().path("count").asLong();
        }
        return count;
    }

    /**
     * Documents per index once their count has stopped changing for three seconds (none after 15 s means
     * none; 45 s at most): for the summary only.
     */
    private Map<String, Long> settled(String indexPattern, List<String> ids, Instant since) throws IOException, InterruptedException {
        Map<String, Long> last = Map.of();
        Instant start = Instant.now();
        Instant stable = start;
        Instant deadline = start.plusSeconds(45);
        while (Instant.now().isBefore(deadline)) {
            Map<String, Long> now;
            try {
                now = perIndex(indexPattern, ids, since);
            } catch (IOException notYet) {
                now = Map.of(); // a daily index still allocating its shard
            }
            if (!now.equals(last)) {
                last = now;
                stable = Instant.now();
            } else if (Duration.between(stable, Instant.now()).toMillis() >= 3000
                    && (!now.isEmpty() || Duration.between(start, Instant.now()).toSeconds() >= 15)) {
                break;
            }
            Thread.sleep(250);
        }
        return last;
    }

    private Map<String, Long> perIndex(String indexPattern, List<String> ids, Instant since) throws IOException, InterruptedException {
        Map<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < ids.size(); i += IDS_PER_QUERY) {
            ObjectNode body = Http.JSON.createObjectNode();
            body.put("size", 0);
            body.set("query", query(ids.subList(i, Math.min(ids.size(), i + IDS_PER_QUERY)), since));
            body.putObject("aggs").putObject("indices").putObject("terms").put("field", "_index").put("size", 1000);
            JsonNode buckets = engine.send("POST", "/" + indexPattern + "/_search", body).orThrow("_search")
                    .body().path("aggregations").path("indices").path("buckets");
            buckets.forEach(b -> counts.merge(b.path("key").asText(), b.path("doc_count").asLong(), Long::sum));
        }
        return counts;
    }

    private void print(String where, String errorsTopic, Result result) {
        out.printf("%s: %d records sent, %d %s, %d dead-lettered (%s), %.1f s%n",
                result.complete() ? "Replay complete" : "Replay INCOMPLETE (timed out)",
                result.sent(), result.indexed(), where, result.deadLettered(), errorsTopic, result.took().toMillis() / 1000.0);
        result.perIndex().forEach((index, count) -> out.printf("  %-32s %8d%n", index, count));
    }

    /** Reads a topic from the replay's start and counts the distinct positions of this replay in it. */
    private final class PositionWatch implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Set<String> positions;
        private final Set<String> seen = new HashSet<>();

        PositionWatch(List<String> topics, Instant since, Set<String> positions) {
            this.positions = positions;
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp offset = offsets.get(p);
                if (offset == null) {
                    consumer.seekToEnd(List.of(p));
                    consumer.position(p); // resolve "end" now, before the replay writes anything
                } else {
                    consumer.seek(p, offset.offset());
                }
            }
        }

        long poll() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Header source = record.headers().lastHeader(SecpipeHeaders.SOURCE);
                if (source != null) {
                    String position = new String(source.value(), StandardCharsets.UTF_8);
                    if (positions.contains(position)) {
                        seen.add(position);
                    }
                }
            }
            return seen.size();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
