package io.secpipe.ops.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * OpenSearch or Elasticsearch from the Maven Central test zip, unpacked once into the stack's home.
 * Both refuse to run as root: as root, the engine runs as the unprivileged user {@code nobody}.
 */
final class SearchEngine {

    static final String NAME = "engine";
    private static final long NOBODY = 65534;

    private final StackSettings settings;
    private final Supervisor supervisor;
    private final PrintStream out;

    /**
     * What a caller adds to the engine before it starts: files in its config folder (certificates, users),
     * settings, and how to reach it once they are on (TLS, credentials).
     */
    interface Customization {
        void prepare(Path distribution) throws IOException, InterruptedException;

        List<String> settings();

        Http http(String url);
    }

    private Customization customization;

    SearchEngine customize(Customization customization) {
        this.customization = customization;
        return this;
    }

    SearchEngine(StackSettings settings, Supervisor supervisor, PrintStream out) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.out = out;
    }

    void start() throws IOException, InterruptedException, StackException {
        Engine engine = settings.engine();
        Path java = Jdks.find(engine.minimumJava, engine.javaHomeVariable).orElseThrow(() -> new StackException(
                engine.displayName() + " needs a JDK " + engine.minimumJava + " or newer and none was found: set "
                        + engine.javaHomeVariable + " or install one under /usr/lib/jvm"));
        Path base = baseDir();
        Path dist = base.resolve(engine.distribution);
        if (!Files.exists(dist.resolve("bin").resolve(engine.distribution))) {
            out.println("  unpacking " + zip().getFileName() + " into " + dist);
            unpack(zip(), dist);
        }
        if (customization != null) {
            customization.prepare(dist);
        }
        for (String dir : List.of("data", "logs", "tmp")) {
            Files.createDirectories(base.resolve(dir));
        }
        boolean root = isRoot();
        if (root) {
            run("chown", "-R", NOBODY + ":" + NOBODY, base.toString());
        }
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        command.add(dist.resolve("bin").resolve(engine.distribution).toString());
        List<String> engineSettings = new ArrayList<>(List.of(
                "cluster.name=secpipe-local", "node.name=secpipe-local", "discovery.type=single-node",
                "network.host=127.0.0.1", "http.port=" + settings.enginePort(), "transport.port=" + settings.engineTransportPort(),
                "path.data=" + base.resolve("data"), "path.logs=" + base.resolve("logs"),
                // a laptop disk that is 90% full must not turn the indices read-only
                "cluster.routing.allocation.disk.threshold_enabled=false"));
        engineSettings.addAll(engine.extraSettings);
        if (customization != null) {
            // a customized key replaces the engine's default (xpack.security.enabled=false, say): -E takes each key once
            List<String> custom = customization.settings();
            engineSettings.removeIf(kv -> custom.stream().anyMatch(c -> c.substring(0, c.indexOf('=')).equals(kv.substring(0, kv.indexOf('=')))));
            engineSettings.addAll(custom);
        }
        engineSettings.forEach(s -> command.add("-E" + s));

        Map<String, String> env = new HashMap<>();
        env.put(engine.javaHomeVariable, java.toString());
        env.put(engine.javaOptsVariable, "-Xms512m -Xmx512m");
        env.put(engine.tmpDirVariable, base.resolve("tmp").toString());
        supervisor.start(NAME, command, env, base);
        Http http = customization != null ? customization.http(settings.engineUrl()) : new Http(settings.engineUrl());
        supervisor.await(NAME, engine.displayName() + " on " + settings.engineUrl() + " (java " + Jdks.version(java) + ")",
                Duration.ofSeconds(240), out,
                () -> http.get("/_cluster/health?wait_for_status=yellow&timeout=1s").ok());
    }

    /**
     * The engine's files must be reachable by {@code nobody}: under the stack's home when every parent
     * directory lets others in, otherwise (a home under /root or a private temp dir) under /tmp.
     */
    Path baseDir() throws IOException {
        Path preferred = settings.home().resolve(NAME);
        if (!isRoot() || othersCanReach(settings.home())) {
            return preferred;
        }
        String key = Integer.toHexString(settings.home().toAbsolutePath().normalize().toString().hashCode());
        Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "secpipe-engine-" + key);
        Files.createDirectories(fallback);
        Files.setPosixFilePermissions(fallback, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(settings.home().resolve("engine.location"), fallback + "\n");
        return fallback;
    }

    private static boolean othersCanReach(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    private Path zip() throws StackException, IOException {
        Path engines = settings.root().resolve("ops/target/engines");
        String prefix = settings.engine().distribution + "-";
        if (Files.isDirectory(engines)) {
            try (Stream<Path> files = Files.list(engines)) {
                var found = files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".zip")).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new StackException("No " + settings.engine().displayName() + " zip in " + engines + ": build with 'mvn -DskipTests package'");
    }

    /** Unzips, dropping the archive's top folder and keeping the executable bits of the scripts. */
    private static void unpack(Path zip, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        deleteTree(partial);
        try (ZipFile archive = ZipFile.builder().setPath(zip).get()) {
            for (ZipArchiveEntry entry : (Iterable<ZipArchiveEntry>) archive.getEntries()::asIterator) {
                String name = entry.getName();
                int slash = name.indexOf('/');
                if (slash < 0 || slash == name.length() - 1) {
                    continue;
                }
                Path file = partial.resolve(name.substring(slash + 1)).normalize();
                if (!file.startsWith(partial)) {
                    throw new IOException("zip entry escapes the target: " + name);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = archive.getInputStream(entry)) {
                    Files.copy(in, file);
                }
                if ((entry.getUnixMode() & 0100) != 0) {
                    file.toFile().setExecutable(true, false);
                }
            }
        }
        Files.move(partial, target);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }
}
