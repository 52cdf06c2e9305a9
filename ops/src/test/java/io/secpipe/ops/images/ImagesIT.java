package io.secpipe.ops.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.ops.SecpipeCli;
import io.secpipe.ops.compose.Compose;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Builds both images with Jib from the built project, from scratch (no registry is reachable here, so no real
 * base can be pulled), and reads the tars back: entrypoint, arguments, environment, ports, working directory,
 * and every file of every layer against the build outputs and docker/. Also checks that each image file lies
 * where docker-compose.yml mounts the same file, so an image runs as its compose service does. Whether the
 * images start on their real bases (eclipse-temurin, apache/kafka) is not checked here: nothing can run them.
 */
class ImagesIT {

    private static final Path REPO = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();
    /** The JMX exporter agent on :9404 with docker/connect-jmx-exporter.yml, as compose's connect runs it. */
    private static final String CONNECT_AGENT =
            "KAFKA_OPTS=-javaagent:/opt/secpipe/jmx-exporter/jmx_prometheus_javaagent.jar=9404:/etc/secpipe/connect-jmx-exporter.yml";

    @TempDir
    Path dir;

    @Test
    void theStreamsImageHoldsTheAppDirectoryAndTheComposeSettingsAndRunsTheApp() throws Exception {
        Path tar = dir.resolve("streams.tar");
        int exit = new CommandLine(new SecpipeCli()).execute("images", "build", "streams", "--base", "scratch", "--to", "tar:" + tar);
        assertThat(exit).isZero();
        ImageTar image = ImageTar.read(tar);
        String version = version();

        assertThat(image.repoTags()).containsExactly("secpipe/streams:" + version);
        assertThat(image.strings("Entrypoint")).containsExactly("java", "-Dlog4j2.configurationFile=/etc/secpipe/log4j2.properties",
                "-cp", "/opt/secpipe/streams/lib/*", "io.secpipe.streams.SecpipeStreamsApp");
        assertThat(image.strings("Cmd")).containsExactly("--config", "/etc/secpipe/streams.properties");
        assertThat(image.strings("Env")).containsExactly("JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75");
        assertThat(image.container().path("WorkingDir").asText()).isEqualTo("/opt/secpipe/streams");
        assertThat(image.names("ExposedPorts")).containsExactly("8090/tcp");
        assertThat(image.names("Volumes")).containsExactly("/var/lib/secpipe/streams");
        assertThat(image.container().path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo(version);

        List<String> app = fileNames(REPO.resolve("streams-app/target/app"));
        List<String> ours = List.of("formats-" + version + ".jar", "streams-app-" + version + ".jar");
        assertThat(app).containsAll(ours);
        assertThat(image.layers()).hasSize(3);
        assertThat(image.layers().get(0).keySet()).containsExactlyInAnyOrderElementsOf(
                app.stream().filter(j -> !ours.contains(j)).map(j -> "opt/secpipe/streams/lib/" + j).toList());
        assertThat(image.layers().get(1).keySet()).containsExactlyInAnyOrder(
                "opt/secpipe/streams/lib/formats-" + version + ".jar", "opt/secpipe/streams/lib/streams-app-" + version + ".jar");
        assertThat(image.layers().get(2)).containsOnlyKeys("etc/secpipe/streams.properties", "etc/secpipe/log4j2.properties");
        assertThat(image.layers().get(2).get("etc/secpipe/streams.properties")).isEqualTo(Files.readAllBytes(REPO.resolve("docker/streams.properties")));
        assertThat(image.layers().get(2).get("etc/secpipe/log4j2.properties")).isEqualTo(Files.readAllBytes(REPO.resolve("docker/log4j2.properties")));
        assertLaidOutAsComposeMountsThem(image, "streams");
    }

    @Test
    void theConnectImageHoldsBothPluginsOnThePluginPathOfTheWorkerSettingsItStartsWith() throws Exception {
        Path tar = dir.resolve("connect.tar");
        String version = version();
        new ImageBuild(REPO, version, new PrintStream(new ByteArrayOutputStream())).build(SecpipeImage.CONNECT, "scratch", "tar:" + tar);
        ImageTar image = ImageTar.read(tar);

        assertThat(image.repoTags()).containsExactly("secpipe/connect:" + version);
        assertThat(image.strings("Entrypoint")).containsExactly("/opt/kafka/bin/connect-distributed.sh");
        assertThat(image.strings("Cmd")).containsExactly("/etc/secpipe/connect-worker.properties");
        assertThat(image.strings("Env")).containsExactlyInAnyOrder("KAFKA_HEAP_OPTS=-Xms768m -Xmx768m", CONNECT_AGENT);
        assertThat(image.names("ExposedPorts")).containsExactlyInAnyOrder("8083/tcp", "9404/tcp");
        assertThat(image.container().path("WorkingDir").asText()).isEqualTo("/opt/kafka");

        List<String> dependencies = new ArrayList<>();
        List<String> plugins = new ArrayList<>();
        for (String module : List.of("connect-source", "connect-sink")) {
            String target = "opt/secpipe/plugins/" + module + "/secpipe-" + module + "/";
            for (String jar : fileNames(REPO.resolve(module + "/target/plugin/secpipe-" + module))) {
                boolean ours = jar.equals(module + "-" + version + ".jar") || jar.equals("formats-" + version + ".jar");
                (ours ? plugins : dependencies).add(target + jar);
            }
        }
        assertThat(plugins).hasSize(4);
        assertThat(image.layers()).hasSize(4);
        assertThat(image.layers().get(0).keySet()).containsExactlyInAnyOrderElementsOf(dependencies);
        assertThat(image.layers().get(1).keySet()).containsExactlyInAnyOrderElementsOf(plugins);
        assertThat(image.layers().get(2)).containsOnlyKeys("opt/secpipe/jmx-exporter/jmx_prometheus_javaagent.jar");
        assertThat(image.layers().get(3)).containsOnlyKeys("etc/secpipe/connect-worker.properties", "etc/secpipe/connect-jmx-exporter.yml");
        assertThat(image.layers().get(3).get("etc/secpipe/connect-jmx-exporter.yml"))
                .isEqualTo(Files.readAllBytes(REPO.resolve("docker/connect-jmx-exporter.yml")));
        byte[] worker = image.layers().get(3).get("etc/secpipe/connect-worker.properties");
        assertThat(worker).isEqualTo(Files.readAllBytes(REPO.resolve("docker/connect-worker.properties")));

        // every plugin.path directory of the worker settings holds one plugin's jars
        Matcher pluginPath = Pattern.compile("(?m)^plugin\\.path=(.*)$").matcher(new String(worker));
        assertThat(pluginPath.find()).isTrue();
        for (String entry : pluginPath.group(1).split(",")) {
            assertThat(image.layers().get(1).keySet()).as(entry).anyMatch(f -> f.startsWith(entry.substring(1) + "/"));
        }
        assertLaidOutAsComposeMountsThem(image, "connect");
    }

    @Test
    void anImageBuildsOnABaseGivenAsATarAndKeepsItsLayersFirst() throws Exception {
        ImageBuild build = new ImageBuild(REPO, version(), new PrintStream(new ByteArrayOutputStream()));
        Path base = dir.resolve("base.tar");
        build.build(SecpipeImage.CONNECT, "scratch", "tar:" + base);
        Path tar = dir.resolve("streams-on-base.tar");
        build.build(SecpipeImage.STREAMS, "tar:" + base, "tar:" + tar);

        ImageTar baseImage = ImageTar.read(base);
        ImageTar image = ImageTar.read(tar);
        assertThat(image.layers()).hasSize(7);
        for (int i = 0; i < 4; i++) {
            assertThat(image.layers().get(i).keySet()).isEqualTo(baseImage.layers().get(i).keySet());
        }
        // the image's own command replaces the base's; the environment adds up
        assertThat(image.strings("Entrypoint")).startsWith("java").contains("io.secpipe.streams.SecpipeStreamsApp");
        assertThat(image.strings("Env")).containsExactlyInAnyOrder("KAFKA_HEAP_OPTS=-Xms768m -Xmx768m", CONNECT_AGENT,
                "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75");
    }

    @Test
    void theDefaultBasesAreTheImagesComposeRunsTheSameFilesOn() throws IOException {
        Compose compose = Compose.load(REPO.resolve("docker-compose.yml"), Map.of());
        assertThat(SecpipeImage.STREAMS.defaultBase()).isEqualTo("eclipse-temurin:17-jre").isEqualTo(compose.image("streams"));
        // apache/kafka of the Kafka version on the classpath, which ComposeFileIT holds to the parent pom's
        assertThat(SecpipeImage.CONNECT.defaultBase()).startsWith("apache/kafka:").isEqualTo(compose.image("connect"));
        // and the same command: compose's connect runs the image's entrypoint and arguments
        assertThat(compose.command("connect")).containsExactly("/opt/kafka/bin/connect-distributed.sh", "/etc/secpipe/connect-worker.properties");
    }

    @Test
    void anUnknownImageIsRefusedWithTheKnownOnes() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured));
        try {
            int exit = new CommandLine(new SecpipeCli()).execute("images", "build", "broker", "--to", "tar:" + dir.resolve("x.tar"));
            assertThat(exit).isEqualTo(1);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString()).contains("secpipe: no image broker; there are [streams, connect]");
        assertThat(dir.resolve("x.tar")).doesNotExist();
    }

    /**
     * Each file of the image lies under a container path docker-compose.yml bind-mounts into the same service,
     * and the mounted host file at that place is the same file.
     */
    private static void assertLaidOutAsComposeMountsThem(ImageTar image, String service) throws IOException {
        List<Compose.Mount> mounts = Compose.load(REPO.resolve("docker-compose.yml"), Map.of()).mounts(service);
        TreeSet<String> unmounted = new TreeSet<>();
        for (int i = 0; i < image.layers().size(); i++) { // built on scratch: every layer is the image's own
            for (Map.Entry<String, byte[]> file : image.layers().get(i).entrySet()) {
                String path = "/" + file.getKey();
                Compose.Mount mount = mounts.stream().filter(mt -> path.equals(mt.container()) || path.startsWith(mt.container() + "/"))
                        .findFirst().orElse(null);
                if (mount == null) {
                    unmounted.add(path);
                    continue;
                }
                Path host = REPO.resolve(mount.host() + path.substring(mount.container().length()));
                assertThat(Files.readAllBytes(host)).as("%s as mounted from %s", path, host).isEqualTo(file.getValue());
            }
        }
        assertThat(unmounted).isEmpty();
    }

    /**
     * The project version, from the jar the streams-app build wrote; the CLI reads it from the ops jar, which failsafe
     * puts on the classpath when the package phase ran (mvn verify), as bin/secpipe does.
     */
    private static String version() throws IOException {
        String jar = fileNames(REPO.resolve("streams-app/target/app")).stream().filter(n -> n.startsWith("streams-app-")).findFirst().orElseThrow();
        String version = jar.substring("streams-app-".length(), jar.length() - ".jar".length());
        assertThat(ImagesCommand.Build.version()).as("the ops jar's own version").isEqualTo(version);
        return version;
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
