package io.secpipe.ops.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.streams.SecpipeStreamsApp;
import io.secpipe.streams.geo.GeoLookup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The local stack's broker does not create topics on demand, so topics.properties must name every topic the
 * shipped connector configs and the Streams app (with its default settings) read or write: a missing one
 * fails a connector's dead-letter queue or a Streams source only at run time, in the ITs.
 */
class TopicsTest {

    private static final Path CONFIGS = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath()
            .normalize().resolve("connector-configs/local");
    /** Connector keys whose value is a topic (or, for {@code topics}, a comma list of them). */
    private static final List<String> TOPIC_KEYS = List.of("topics", "topic", "errors.topic",
            "errors.deadletterqueue.topic.name", "eni.topic", "security.groups.topic", "instances.topic");

    @Test
    void theStackCreatesEveryTopicTheLocalConnectorsUse() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(CONFIGS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode config = new ObjectMapper().readTree(file.toFile());
                JsonNode body = config.has("config") ? config.get("config") : config;
                for (String key : TOPIC_KEYS) {
                    if (body.hasNonNull(key)) {
                        for (String topic : body.get(key).asText().split(",")) {
                            used.add(topic.trim());
                        }
                    }
                }
            }
        }
        assertThat(used).contains("raw.vpcflow", "dlq.anomalies");
        assertThat(createdTopics()).containsAll(used);
    }

    @Test
    void theStackCreatesEveryTopicTheStreamsAppReadsOrWrites() throws IOException {
        Properties defaults = new Properties();
        defaults.put("application.id", "secpipe-streams");
        defaults.put("bootstrap.servers", "127.0.0.1:9092");
        TopologyDescription description = SecpipeStreamsApp.topology(defaults, GeoLookup.none()).describe();
        Set<String> used = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            sub.nodes().forEach(node -> addTopics(node, used));
        }
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            used.addAll(global.source().topicSet());
        }
        // repartition topics are the app's own, created by Streams itself
        used.removeIf(topic -> topic.endsWith("-repartition"));
        assertThat(used).contains("raw.vpcflow", "ref.eni", "raw.sensor", "anomalies", "dlq.anomalies");
        assertThat(createdTopics()).containsAll(used);
    }

    private static void addTopics(TopologyDescription.Node node, Set<String> used) {
        if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
            used.addAll(source.topicSet());
        } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
            used.add(sink.topic());
        }
    }

    private static Set<String> createdTopics() throws IOException {
        Properties topics = new Properties();
        try (InputStream in = TopicsTest.class.getResourceAsStream("/local-stack/topics.properties")) {
            topics.load(in);
        }
        return topics.stringPropertyNames();
    }
}
