package io.secpipe.ops.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds a JDK of at least a given version: a named environment variable, then /usr/lib/jvm, then this JVM. */
final class Jdks {
    private Jdks() {
    }

    static Optional<Path> find(int minimumVersion, String variable) {
        String fromEnv = System.getenv(variable);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv)).filter(p -> version(p) >= minimumVersion);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                Optional<Path> best = dirs.filter(p -> !Files.isSymbolicLink(p))
                        .filter(p -> Files.isExecutable(p.resolve("bin/java")))
                        .filter(p -> version(p) >= minimumVersion)
                        .max(Comparator.comparingInt(Jdks::version));
                if (best.isPresent()) {
                    return best;
                }
            } catch (IOException ignored) {
                // fall through to this JVM
            }
        }
        Path self = Path.of(System.getProperty("java.home"));
        return Runtime.version().feature() >= minimumVersion ? Optional.of(self) : Optional.empty();
    }

    /** The feature version from the JDK's release file (JAVA_VERSION="21.0.2"), or 0. */
    static int version(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.startsWith("1.") ? v.substring(2) : v;
                    return Integer.parseInt(major.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
