package io.secpipe.ops.images;

import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The two images secpipe ships, laid out as docker-compose.yml lays out the same files in the same base images
 * (so an image and its compose service run alike). Layers go from what changes least to what changes most:
 * third-party jars, then secpipe's jars, then the settings of {@code docker/}.
 */
public enum SecpipeImage {

    /** The Streams app on a JRE: streams-app/target/app as its classpath, docker/streams.properties as its settings. */
    STREAMS("streams", "eclipse-temurin:17-jre") {
        @Override
        void configure(JibContainerBuilder image, Path root, String version) throws IOException {
            AbsoluteUnixPath lib = AbsoluteUnixPath.get("/opt/secpipe/streams/lib");
            Path app = required(root.resolve("streams-app/target/app"));
            image.addFileEntriesLayer(jars("dependencies", app, lib, name -> !isSecpipeJar(name, version)))
                    .addFileEntriesLayer(jars("secpipe", app, lib, name -> isSecpipeJar(name, version)))
                    .addFileEntriesLayer(FileEntriesLayer.builder().setName("settings")
                            .addEntry(required(root.resolve("docker/streams.properties")), SETTINGS.resolve("streams.properties"))
                            .addEntry(required(root.resolve("docker/log4j2.properties")), SETTINGS.resolve("log4j2.properties"))
                            .build())
                    .setEntrypoint("java", "-Dlog4j2.configurationFile=" + SETTINGS.resolve("log4j2.properties"),
                            "-cp", lib + "/*", "io.secpipe.streams.SecpipeStreamsApp")
                    .setProgramArguments("--config", SETTINGS.resolve("streams.properties").toString())
                    // the heap follows the container's memory limit instead of a fixed -Xmx
                    .addEnvironmentVariable("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75")
                    // http.port of docker/streams.properties: /health/live, /health/ready, /metrics
                    .addExposedPort(Port.tcp(8090))
                    .setWorkingDirectory(AbsoluteUnixPath.get("/opt/secpipe/streams"))
                    // state.dir of docker/streams.properties
                    .addVolume(AbsoluteUnixPath.get("/var/lib/secpipe/streams"));
        }
    },

    /**
     * A Connect worker: Apache Kafka's own image (the Connect runtime and its scripts) with our two plugins on
     * plugin.path and docker/connect-worker.properties, run as docker-compose runs it.
     */
    CONNECT("connect", "apache/kafka:" + AppInfoParser.getVersion()) {
        @Override
        void configure(JibContainerBuilder image, Path root, String version) throws IOException {
            FileEntriesLayer.Builder dependencies = FileEntriesLayer.builder().setName("plugin-dependencies");
            FileEntriesLayer.Builder plugins = FileEntriesLayer.builder().setName("plugins");
            for (String module : List.of("connect-source", "connect-sink")) {
                // as compose mounts <module>/target/plugin at /opt/secpipe/plugins/<module>
                Path dir = required(root.resolve(module + "/target/plugin/secpipe-" + module));
                AbsoluteUnixPath target = PLUGINS.resolve(module).resolve("secpipe-" + module);
                for (Path jar : list(dir)) {
                    String name = jar.getFileName().toString();
                    (isSecpipeJar(name, version) ? plugins : dependencies).addEntry(jar, target.resolve(name));
                }
            }
            image.addFileEntriesLayer(dependencies.build())
                    .addFileEntriesLayer(plugins.build())
                    .addFileEntriesLayer(FileEntriesLayer.builder().setName("jmx-exporter")
                            .addEntry(required(root.resolve("ops/target/jmx-exporter/" + JMX_EXPORTER_JAR)), JMX_EXPORTER.resolve(JMX_EXPORTER_JAR))
                            .build())
                    .addFileEntriesLayer(FileEntriesLayer.builder().setName("settings")
                            .addEntry(required(root.resolve("docker/connect-worker.properties")), SETTINGS.resolve("connect-worker.properties"))
                            .addEntry(required(root.resolve("docker/connect-jmx-exporter.yml")), SETTINGS.resolve("connect-jmx-exporter.yml"))
                            .build())
                    .setEntrypoint("/opt/kafka/bin/connect-distributed.sh")
                    .setProgramArguments(SETTINGS.resolve("connect-worker.properties").toString())
                    .addEnvironmentVariable("KAFKA_HEAP_OPTS", "-Xms768m -Xmx768m")
                    // as in docker-compose.yml: Prometheus metrics on :9404/metrics
                    .addEnvironmentVariable("KAFKA_OPTS", "-javaagent:" + JMX_EXPORTER.resolve(JMX_EXPORTER_JAR) + "=" + CONNECT_METRICS_PORT
                            + ":" + SETTINGS.resolve("connect-jmx-exporter.yml"))
                    .setWorkingDirectory(AbsoluteUnixPath.get("/opt/kafka"))
                    .addExposedPort(Port.tcp(8083))
                    .addExposedPort(Port.tcp(CONNECT_METRICS_PORT));
        }
    };

    /** Where both images keep the settings of {@code docker/}. */
    static final AbsoluteUnixPath SETTINGS = AbsoluteUnixPath.get("/etc/secpipe");
    static final AbsoluteUnixPath PLUGINS = AbsoluteUnixPath.get("/opt/secpipe/plugins");
    /** The JMX exporter agent, where compose mounts ops/target/jmx-exporter. */
    static final AbsoluteUnixPath JMX_EXPORTER = AbsoluteUnixPath.get("/opt/secpipe/jmx-exporter");
    static final String JMX_EXPORTER_JAR = "jmx_prometheus_javaagent.jar";
    static final int CONNECT_METRICS_PORT = 9404;
    private static final List<String> MODULES = List.of("formats", "streams-app", "connect-source", "connect-sink");

    private final String id;
    private final String defaultBase;

    SecpipeImage(String id, String defaultBase) {
        this.id = id;
        this.defaultBase = defaultBase;
    }

    /** The image's layers, command and settings, from the build outputs under {@code root}. */
    abstract void configure(JibContainerBuilder image, Path root, String version) throws IOException;

    public String id() {
        return id;
    }

    /** The base to build on in real use. */
    public String defaultBase() {
        return defaultBase;
    }

    /** The image's name where none is given: secpipe/streams:0.1.0. */
    public String reference(String version) {
        return "secpipe/" + id + ":" + version;
    }

    public static SecpipeImage of(String id) {
        for (SecpipeImage image : values()) {
            if (image.id.equals(id)) {
                return image;
            }
        }
        throw new IllegalArgumentException("no image " + id + "; there are " + Stream.of(values()).map(SecpipeImage::id).toList());
    }

    void label(JibContainerBuilder image, String version) {
        image.setLabels(Map.of(
                "org.opencontainers.image.title", "secpipe-" + id,
                "org.opencontainers.image.version", version));
    }

    static boolean isSecpipeJar(String fileName, String version) {
        return MODULES.stream().anyMatch(module -> fileName.equals(module + "-" + version + ".jar"));
    }

    private static FileEntriesLayer jars(String name, Path dir, AbsoluteUnixPath target, Predicate<String> include) throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
        for (Path jar : list(dir)) {
            if (include.test(jar.getFileName().toString())) {
                layer.addEntry(jar, target.resolve(jar.getFileName().toString()));
            }
        }
        return layer.build();
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** A build output the image needs; its absence means the project is not built. */
    private static Path required(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException(path + " is missing: build the project first (mvn -B -DskipTests package)");
        }
        return path;
    }
}
