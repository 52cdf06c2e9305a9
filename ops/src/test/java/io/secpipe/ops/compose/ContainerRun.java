package io.secpipe.ops.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a compose service's shell command on this machine as its container would see it: the service's bind
 * mounts become symbolic links under a temporary root (container path {@code /x} at {@code <root>/x}), its
 * environment is the service's, and the tools it calls ({@code curl}, {@code java}, {@code kafka-topics.sh})
 * are fakes that only record their arguments, one call per line, tab-separated.
 */
final class ContainerRun {

    static final List<String> FAKE_TOOLS = List.of("curl", "java", "kafka-topics.sh");

    private final Path repository;
    private final Path root;
    private final Path bin;
    private final Path log;

    ContainerRun(Path repository, Path scratch) throws IOException {
        this.repository = repository;
        this.root = Files.createDirectories(scratch.resolve("container"));
        this.bin = Files.createDirectories(scratch.resolve("fake-bin"));
        this.log = scratch.resolve("calls.log");
        for (String tool : FAKE_TOOLS) {
            Path fake = bin.resolve(tool);
            Files.writeString(fake, "#!/usr/bin/env bash\nIFS=$'\\t'; printf '%s\\t%s\\n' \"${0##*/}\" \"$*\" >> \"$FAKE_LOG\"\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** Where the container's path lies under the temporary root. */
    Path inContainer(String containerPath) {
        return root.resolve(containerPath.substring(1));
    }

    /** Runs the service's command; returns the fake tools' calls, each as [tool, arg, arg, ...]. */
    List<List<String>> run(Compose compose, String service, Map<String, String> extraEnv) throws IOException, InterruptedException {
        for (Compose.Mount mount : compose.mounts(service)) {
            Path link = inContainer(mount.container());
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, repository.resolve(mount.host()));
        }
        List<String> command = new ArrayList<>();
        for (String part : compose.command(service)) {
            command.add(part.startsWith("/") ? inContainer(part).toString() : part);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(compose.environment(service));
        builder.environment().putAll(extraEnv);
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().put("FAKE_LOG", log.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new AssertionError(service + "'s command " + command + " failed:\n" + output);
        }
        List<List<String>> calls = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                calls.add(Arrays.asList(line.split("\t", -1)));
            }
        }
        return calls;
    }

    Path fakeBin() {
        return bin;
    }
}
