package io.secpipe.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import io.secpipe.formats.Decompression;
import io.secpipe.formats.framing.CsvFraming;
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
 * Replay knows every position it sends, hence every document id, and waits until each record is accounted
 * for: indexed (stamped {@code event.ingested} since the replay began), left out by the topology's pattern
 * (unmatched), or dead-lettered at one of the stages it passes (the source's errors topic, the Streams app's
 * DLQ, the sink's DLQ), so that sent = indexed + unmatched + dead-lettered.
 */
public final class Replay {

    /**
     * What can be replayed: the connector body to use and, where records become documents, the indices to find
     * them in, the Streams app's dead-letter topic and the sink's connector body (its DLQ). Otherwise a replay is
     * complete when every record is in the connector's topic (or the source's errors): reference data has no index,
     * and clickstream events and sensor readings become per-minute counts and anomaly scores, not one document each.
     */
    public enum Type {
        // the per-minute indices share the prefix: excluded by name (cwl-vpcflow-* alone would count them too)
        VPCFLOW("vpcflow-file-source.json", "cwl-vpcflow-*,-cwl-vpcflow-minute-*", "dlq.vpcflow", "vpcflow-sink.json"),
        /** AWS's Parquet flow-log files: each row goes the way of a text line, into the same indices. */
        VPCFLOW_PARQUET("vpcflow-parquet-file-source.json", "cwl-vpcflow-*,-cwl-vpcflow-minute-*", "dlq.vpcflow", "vpcflow-sink.json"),
        OSSEC("ossec-file-source.json", "cwl-ossec-*,-cwl-ossec-minute-*", "dlq.ossec", "ossec-sink.json"),
        /** OSSEC alerts as a CloudWatch Logs subscription delivers them (gzip payloads of logEvents, one stream per instance). */
        OSSEC_CWL("ossec-cwl-file-source.json", "cwl-ossec-*,-cwl-ossec-minute-*", "dlq.ossec", "ossec-sink.json"),
        /**
         * A CloudTrail record becomes a document only when the EC2 pattern selects it; the document ids are read from
         * cloudtrail.ec2 (a record without eventID gets one there), the records the pattern left out from the
         * topology's unmatched counter.
         */
        CLOUDTRAIL("cloudtrail-file-source.json", "cloudtrail-ec2-*", "dlq.cloudtrail", "cloudtrail-ec2-sink.json"),
        CSV("csv-file-source.json", null, null, null),
        CLICKS("clicks-file-source.json", null, null, null),
        SENSOR("sensor-file-source.json", null, null, null),
        // the EC2 inventory file connector takes any describe-* output; the three names say what the user holds
        ENI("ec2-inventory-file-source.json", null, null, null),
        SECURITY_GROUPS("ec2-inventory-file-source.json", null, null, null),
        INSTANCES("ec2-inventory-file-source.json", null, null, null);

        final String connectorConfig;
        /** The indices the documents go to, as a search target; null where records do not become documents one for one. */
        public final String indexPattern;
        /** The Streams app's dead-letter topic for this data (its default name); null where the replay ends at a topic. */
        final String streamsDeadLetters;
        /** The sink's body in connector-configs/local/, whose errors.deadletterqueue.topic.name is the sink's DLQ. */
        final String sinkConfig;

        Type(String connectorConfig, String indexPattern, String streamsDeadLetters, String sinkConfig) {
            this.connectorConfig = connectorConfig;
            this.indexPattern = indexPattern;
            this.streamsDeadLetters = streamsDeadLetters;
            this.sinkConfig = sinkConfig;
        }

        boolean ec2Inventory() {
            return connectorConfig.startsWith("ec2-inventory");
        }

        /** The Streams output whose records name each document's id; null where the source's ids are the documents'. */
        String documentsTopic() {
            return this == CLOUDTRAIL ? "cloudtrail.ec2" : null;
        }

        /** The Streams app's counter of records its pattern left out (a line of run/streams.metrics), or null. */
        String unmatchedCounter() {
            return this == CLOUDTRAIL ? "cloudtrail-match.unmatched-total" : null;
        }

        public static Type of(String name) {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** The stages a record can be dead-lettered at, in the order the data passes them. */
    public enum Stage {
        SOURCE, STREAMS, SINK
    }

    /**
     * Counts for one replay. {@code delivered} says where the {@code indexed} records are ("indexed", or "in
     * ref.users" for a replay that ends at a topic); {@code deadLetters} counts per stage, under the name the summary
     * gives it ("source errors", the Streams DLQ topic, "sink dlq"); {@code unmatchedBy} names the pattern that left
     * records out, null where there is none.
     */
    public record Result(long sent, long indexed, long unmatched, Map<String, Long> deadLetters, Map<String, Long> perIndex,
                         Duration took, String delivered, String unmatchedBy) {

        public Result {
            deadLetters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(deadLetters));
            perIndex = java.util.Collections.unmodifiableMap(new TreeMap<>(perIndex));
        }

        public long deadLettered() {
            return deadLetters.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Records not (yet) accounted for: negative when the counts add up to more than was sent. */
        public long missing() {
            return sent - indexed - unmatched - deadLettered();
        }

        public boolean complete() {
            return missing() == 0;
        }

        /** The summary line: what was sent, where each record went, dead letters per stage, and how long it took. */
        public String summary() {
            StringBuilder line = new StringBuilder(complete() ? "Replay complete"
                    : missing() > 0 ? "Replay INCOMPLETE (timed out)" : "Replay counts exceed what was sent");
            line.append(": ").append(sent).append(" records sent, ").append(indexed).append(' ').append(delivered);
            if (unmatchedBy != null) {
                line.append(", ").append(unmatched).append(" unmatched (").append(unmatchedBy).append(')');
            }
            line.append(", ").append(deadLettered()).append(" dead-lettered (")
                    .append(deadLetters.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")))
                    .append(')');
            line.append(String.format(java.util.Locale.ROOT, ", %.1f s", took.toMillis() / 1000.0));
            long missing = missing();
            if (missing > 0) {
                line.append("; ").append(missing).append(" not accounted for (neither ").append(delivered)
                        .append(unmatchedBy != null ? ", unmatched" : "").append(" nor dead-lettered)");
            } else if (missing < 0) {
                line.append("; ").append(-missing).append(" more than sent (other data of this kind flowed during the replay)");
            }
            return line.toString();
        }
    }

    /** The name a stage's dead letters have in the summary: the Streams stage under its topic's name. */
    static String stageLabel(Stage stage, Type type) {
        return switch (stage) {
            case SOURCE -> "source errors";
            case STREAMS -> type.streamsDeadLetters;
            case SINK -> "sink dlq";
        };
    }

    /** The error stages of our replay connectors (FileSourceTask, Ec2InventoryFileSourceTask): their error records are the source's. */
    private static final Set<String> SOURCE_ERROR_STAGES = Set.of("file-source", "ec2-inventory-file");

    /**
     * Which stage dead-lettered a record: Connect's DLQ reporter marks the sink's with {@code __connect.errors.*}
     * headers; the source connector and the Streams app name themselves in {@code secpipe.error.stage}. The source
     * and the Streams app may share a topic (dlq.vpcflow), so the topic alone does not tell.
     */
    static Stage stageOf(org.apache.kafka.common.header.Headers headers) {
        for (Header header : headers) {
            if (header.key().startsWith("__connect.errors.")) {
                return Stage.SINK;
            }
        }
        Header stage = headers.lastHeader(SecpipeHeaders.ERROR_STAGE);
        return stage != null && SOURCE_ERROR_STAGES.contains(new String(stage.value(), StandardCharsets.UTF_8)) ? Stage.SOURCE : Stage.STREAMS;
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
        Path configs = settings.root().resolve("connector-configs/local");
        ObjectNode config = (ObjectNode) Http.JSON.readTree(configs.resolve("replay").resolve(type.connectorConfig).toFile());
        List<String> topics = type.ec2Inventory()
                ? List.of(config.path("eni.topic").asText(), config.path("security.groups.topic").asText(), config.path("instances.topic").asText())
                : List.of(config.path("topic").asText());
        String topic = String.join(", ", topics);
        // the stages this data passes, each with the topic its dead letters go to
        Map<Stage, String> stageTopics = new java.util.EnumMap<>(Stage.class);
        stageTopics.put(Stage.SOURCE, config.path("errors.topic").asText("dlq.vpcflow"));
        if (type.indexPattern != null) {
            stageTopics.put(Stage.STREAMS, type.streamsDeadLetters);
            stageTopics.put(Stage.SINK, Http.JSON.readTree(configs.resolve(type.sinkConfig).toFile())
                    .path("errors.deadletterqueue.topic.name").asText());
        }
        Map<String, String> idsByPosition = type.ec2Inventory() ? ec2InventoryPositions(absolute) : expectedPositions(framing(config), absolute);
        Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
        String connector = "replay-" + type.id() + "-" + since.toEpochMilli();
        config.put("files", absolute.stream().map(Path::toString).collect(Collectors.joining(",")));
        out.println("Replaying " + absolute.size() + " file(s), " + idsByPosition.size() + " records, through connector " + connector);
        StageCounter unmatchedCounter = type.unmatchedCounter() == null ? null
                : new StageCounter(settings.runDir().resolve("streams.metrics"), type.unmatchedCounter());
        String delivered = type.indexPattern == null ? "in " + topic : "indexed";
        try (DeadLetterWatch deadLetters = new DeadLetterWatch(stageTopics, since, idsByPosition.keySet());
             PositionWatch inTopic = type.indexPattern == null ? new PositionWatch(topics, since, idsByPosition.keySet()) : null;
             PositionWatch documents = type.documentsTopic() != null ? new PositionWatch(List.of(type.documentsTopic()), since, idsByPosition.keySet()) : null) {
            connect.send("PUT", "/connectors/" + connector + "/config", config).orThrow("PUT /connectors/" + connector + "/config");
            long sent = idsByPosition.size();
            Instant deadline = Instant.now().plus(timeout);
            Instant nextReport = Instant.now().plusSeconds(5);
            long arrived = 0;
            long unmatched = 0;
            List<String> ids = documents == null ? List.copyOf(idsByPosition.values()) : List.of();
            while (true) {
                deadLetters.poll();
                if (documents != null) {
                    documents.poll();
                    ids = documents.ids();
                }
                if (unmatchedCounter != null) {
                    unmatched = unmatchedCounter.sinceStart();
                }
                try {
                    arrived = inTopic != null ? inTopic.poll() : ids.isEmpty() ? 0 : countIndexed(type, ids, since);
                } catch (IOException e) {
                    // a daily index the sink has just created answers 503 until its shard is allocated: not yet, not failed
                    if (Instant.now().isAfter(deadline)) {
                        throw e;
                    }
                }
                if (arrived + unmatched + deadLetters.total() >= sent || Instant.now().isAfter(deadline)) {
                    break;
                }
                if (Instant.now().isAfter(nextReport)) {
                    out.printf("  %d of %d %s%s, %d dead-lettered (%d s)%n", arrived, sent, delivered,
                            unmatchedCounter == null ? "" : ", " + unmatched + " unmatched", deadLetters.total(),
                            Duration.between(since, Instant.now()).toSeconds());
                    nextReport = Instant.now().plusSeconds(5);
                }
                ConnectWorker.running(connect, connector); // fails fast when a task failed
                Thread.sleep(500);
            }
            Map<String, Long> perIndex = type.indexPattern == null ? Map.of(topic, arrived)
                    : ids.isEmpty() ? Map.of() : perIndex(type.indexPattern, ids, since);
            Map<String, Long> perStage = new LinkedHashMap<>();
            stageTopics.keySet().forEach(stage -> perStage.put(stageLabel(stage, type), deadLetters.count(stage)));
            Result result = new Result(sent, arrived, unmatched, perStage, perIndex, Duration.between(since, Instant.now()),
                    delivered, unmatchedCounter == null ? null : type.id() + " pattern");
            out.println(result.summary());
            result.perIndex().forEach((index, count) -> out.printf("  %-32s %8d%n", index, count));
            if (unmatchedCounter != null) {
                out.println("  unmatched = the rise of the Streams app's " + type.unmatchedCounter() + " (run/streams.metrics) during this "
                        + "replay: exact while no other " + type.id() + " data flows");
            }
            return result;
        } finally {
            connect.send("DELETE", "/connectors/" + connector, null);
        }
    }

    /** The framing the connector body names, built as the connector builds it. */
    static Framing framing(JsonNode config) {
        String keyColumn = config.path("csv.key.column").isMissingNode() ? null : config.path("csv.key.column").asText();
        List<String> csvColumns = List.of(config.path("csv.columns").asText("").split(",")).stream()
                .map(String::strip).filter(c -> !c.isEmpty()).toList();
        if (FramingType.of(config.path("framing").asText("flowlog")) == FramingType.CSV && !csvColumns.isEmpty()) {
            return new CsvFraming(keyColumn, csvColumns); // a headerless file: every row is data, as the connector reads it
        }
        List<String> keyFields = List.of(config.path("key.field").asText("").split(",")).stream()
                .map(String::strip).filter(f -> !f.isEmpty()).toList();
        return Framings.create(FramingType.of(config.path("framing").asText("flowlog")),
                config.path("format").isMissingNode() ? null : config.path("format").asText(),
                keyFields, keyColumn);
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

    /** A consumer of topics from the replay's start on (read_committed: the Streams app writes in transactions). */
    private KafkaConsumer<byte[], byte[]> consumerFrom(java.util.Collection<String> topics, Instant since) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : new java.util.TreeSet<>(topics)) {
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
        return consumer;
    }

    private static String position(ConsumerRecord<byte[], byte[]> record) {
        Header source = record.headers().lastHeader(SecpipeHeaders.SOURCE);
        return source == null ? null : new String(source.value(), StandardCharsets.UTF_8);
    }

    /** Reads a topic from the replay's start and counts the distinct positions of this replay in it, with their document ids. */
    private final class PositionWatch implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Set<String> positions;
        private final Map<String, String> seen = new LinkedHashMap<>();

        PositionWatch(List<String> topics, Instant since, Set<String> positions) {
            this.positions = positions;
            this.consumer = consumerFrom(topics, since);
        }

        long poll() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                String position = position(record);
                if (position != null && positions.contains(position)) {
                    Header id = record.headers().lastHeader(SecpipeHeaders.ID);
                    seen.put(position, id == null ? position : new String(id.value(), StandardCharsets.UTF_8));
                }
            }
            return seen.size();
        }

        /** The document ids of the positions seen (the Streams app's, for its output topic). */
        List<String> ids() {
            return seen.values().stream().distinct().toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /**
     * Reads the dead-letter topics of every stage from the replay's start and counts this replay's positions per
     * stage ({@link #stageOf}). A position counts once, at the first stage that rejected it.
     */
    private final class DeadLetterWatch implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<Stage, String> stageTopics;
        private final Set<String> positions;
        private final Map<String, Stage> seen = new HashMap<>();

        DeadLetterWatch(Map<Stage, String> stageTopics, Instant since, Set<String> positions) {
            this.stageTopics = stageTopics;
            this.positions = positions;
            this.consumer = consumerFrom(new HashSet<>(stageTopics.values()), since);
        }

        void poll() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                String position = position(record);
                Stage stage = stageOf(record.headers());
                // a stage counts only in its own topic (the Streams app's dead letters of a replay that ends at a topic are not this replay's)
                if (position != null && positions.contains(position) && record.topic().equals(stageTopics.get(stage))) {
                    seen.putIfAbsent(position, stage);
                }
            }
        }

        long count(Stage stage) {
            return seen.values().stream().filter(stage::equals).count();
        }

        long total() {
            return seen.size();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /**
     * A counter of the Streams app as it last wrote run/streams.metrics (every 5 s): its rise since this replay
     * began. A counter lower than at the start means the app restarted: then all of it counts.
     */
    static final class StageCounter {
        private final Path file;
        private final String key;
        private final long atStart;

        StageCounter(Path file, String key) {
            this.file = file;
            this.key = key;
            this.atStart = read();
        }

        long read() {
            java.util.Properties counters = new java.util.Properties();
            try (var reader = Files.newBufferedReader(file)) {
                counters.load(reader);
            } catch (IOException notYet) {
                return 0; // the app writes the file a few seconds after it starts
            }
            try {
                return Long.parseLong(counters.getProperty(key, "0").trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        long sinceStart() {
            long now = read();
            return now >= atStart ? now - atStart : now;
        }
    }
}
