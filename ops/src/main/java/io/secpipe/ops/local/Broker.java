package io.secpipe.ops.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/** A single Kafka broker in KRaft combined mode (broker and controller in one process). */
final class Broker {

    static final String NAME = "broker";
    private final StackSettings settings;
    private final Supervisor supervisor;
    private final PrintStream out;

    Broker(StackSettings settings, Supervisor supervisor, PrintStream out) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.out = out;
    }

    void start() throws IOException, InterruptedException, StackException {
        Path dir = settings.home().resolve("kafka");
        Path config = settings.confDir().resolve("server.properties");
        Files.createDirectories(dir);
        Files.createDirectories(settings.confDir());
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + settings.controllerPort(),
                "listeners=PLAINTEXT://127.0.0.1:" + settings.kafkaPort() + ",CONTROLLER://127.0.0.1:" + settings.controllerPort(),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + settings.kafkaPort(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                // one node: every internal topic has one replica
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "default.replication.factor=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "") );
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            format(config);
        }
        supervisor.start(NAME, Components.java(settings, "768m", "kafka.Kafka", config.toString()), Map.of(), settings.home());
        supervisor.await(NAME, "Kafka broker on " + settings.bootstrapServers(), Duration.ofSeconds(90), out, () -> {
            try (Admin admin = admin(settings)) {
                return !admin.describeCluster().nodes().get().isEmpty();
            }
        });
        createTopics();
    }

    private void format(Path config) throws IOException, InterruptedException, StackException {
        List<String> command = Components.java(settings, "256m", "kafka.tools.StorageTool",
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString());
        Process format = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(supervisor.log(NAME).toFile())).start();
        if (format.waitFor() != 0) {
            throw new StackException("Formatting the broker's storage failed: read " + supervisor.log(NAME));
        }
    }

    /** The topics of topics.properties: {@code name=partitions[,compact]}. */
    private void createTopics() throws IOException, InterruptedException, StackException {
        Properties topics = new Properties();
        try (InputStream in = Broker.class.getResourceAsStream("/local-stack/topics.properties")) {
            topics.load(in);
        }
        List<NewTopic> newTopics = new ArrayList<>();
        for (String name : topics.stringPropertyNames()) {
            String[] spec = topics.getProperty(name).split(",");
            NewTopic topic = new NewTopic(name, Integer.parseInt(spec[0].trim()), (short) 1);
            if (spec.length > 1 && spec[1].trim().equals("compact")) {
                topic.configs(Map.of("cleanup.policy", "compact"));
            }
            newTopics.add(topic);
        }
        try (Admin admin = admin(settings)) {
            for (var entry : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new StackException("Creating topic " + entry.getKey() + " failed: " + e.getCause());
                    }
                }
            }
        }
    }

    static Admin admin(StackSettings settings) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }
}
