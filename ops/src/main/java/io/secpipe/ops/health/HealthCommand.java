package io.secpipe.ops.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.ops.local.StackSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secpipe health}: the search engine's health in the alarm checker's ok/warn shape. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Cluster status, disk against the watermarks, heap and write blocks of the local or a self-managed engine."
                + " Exit status 1 when the cluster is red or refuses writes, 2 when the engine does not answer.")
public final class HealthCommand implements Callable<Integer> {

    @Option(names = "--url", description = "The engine (default: the local stack's engine).")
    String url;
    @Option(names = "--home", description = "The local stack's home (default: $SECPIPE_HOME or .secpipe in the project).")
    Path home;
    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    private final PrintStream out;

    public HealthCommand() {
        this(System.out);
    }

    HealthCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws InterruptedException {
        String target = url;
        List<Finding> findings;
        try {
            if (target == null) {
                target = localEngine();
            }
            findings = new EngineHealth(target).check();
        } catch (IOException e) {
            // a refused connection has no message, only its class
            System.err.println("secpipe health: " + (target == null ? "" : target + ": ") + (e.getMessage() != null ? e.getMessage() : e));
            return 2;
        }
        print(target, findings);
        return findings.stream().anyMatch(f -> f.level() == Finding.Level.FAIL) ? 1 : 0;
    }

    /** The engine of the stack that {@code secpipe up} saved in the home, as the other stack commands find it. */
    private String localEngine() throws IOException {
        Path root = Path.of(System.getProperty("secpipe.root", ".")).toAbsolutePath().normalize();
        String env = System.getenv("SECPIPE_HOME");
        Path dir = home != null ? home.toAbsolutePath().normalize()
                : env != null && !env.isBlank() ? Path.of(env).toAbsolutePath() : root.resolve(".secpipe");
        return StackSettings.load(root, dir).engineUrl();
    }

    private void print(String target, List<Finding> findings) {
        if (json) {
            ObjectNode root = new ObjectMapper().createObjectNode().put("engine", target);
            ArrayNode list = root.putArray("checks");
            findings.forEach(f -> list.addObject().put("check", f.check()).put("status", f.level().label()).put("detail", f.detail()));
            out.println(root.toPrettyString());
            return;
        }
        out.println(target);
        findings.forEach(f -> out.printf("  %-5s %-14s %s%n", f.level().label(), f.check(), f.detail()));
    }
}
