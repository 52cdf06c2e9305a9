package io.secpipe.ops.local;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the local stack lives and which ports it uses. {@code up} saves them in the stack's home so
 * that later commands (status, replay, down) talk to the same stack.
 */
public record StackSettings(Path root, Path home, Engine engine, int kafkaPort, int controllerPort, int connectPort,
                            int enginePort, int engineTransportPort) {

    private static final String FILE = "stack.properties";

    public static StackSettings defaults(Path root, Path home, Engine engine) {
        return new StackSettings(root, home, engine, 9092, 9093, 8083, 9200, 9300);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public String connectUrl() {
        return "http://127.0.0.1:" + connectPort;
    }

    public String engineUrl() {
        return "http://127.0.0.1:" + enginePort;
    }

    Path runDir() {
        return home.resolve("run");
    }

    Path logDir() {
        return home.resolve("logs");
    }

    Path confDir() {
        return home.resolve("conf");
    }

    /** Kafka and Connect jars, copied by the ops build. */
    Path stackLib() {
        return root.resolve("ops/target/lib");
    }

    public void save() throws IOException {
        Properties p = new Properties();
        p.setProperty("engine", engine.name());
        p.setProperty("kafka.port", String.valueOf(kafkaPort));
        p.setProperty("controller.port", String.valueOf(controllerPort));
        p.setProperty("connect.port", String.valueOf(connectPort));
        p.setProperty("engine.port", String.valueOf(enginePort));
        p.setProperty("engine.transport.port", String.valueOf(engineTransportPort));
        Files.createDirectories(home);
        try (Writer w = Files.newBufferedWriter(home.resolve(FILE))) {
            p.store(w, "secpipe local stack: written by 'secpipe up'");
        }
    }

    /** The settings saved by the last {@code up} in this home, or the defaults when there is none. */
    public static StackSettings load(Path root, Path home) throws IOException {
        Path file = home.resolve(FILE);
        if (!Files.exists(file)) {
            return defaults(root, home, Engine.OPENSEARCH);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return new StackSettings(root, home, Engine.valueOf(p.getProperty("engine")),
                Integer.parseInt(p.getProperty("kafka.port")), Integer.parseInt(p.getProperty("controller.port")),
                Integer.parseInt(p.getProperty("connect.port")), Integer.parseInt(p.getProperty("engine.port")),
                Integer.parseInt(p.getProperty("engine.transport.port")));
    }
}
