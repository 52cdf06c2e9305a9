package io.secpipe.ops.templates;

import io.secpipe.ops.local.Http;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Installs every index template of {@code search/templates/} as {@code secpipe-<file name>}, the
 * name the sink uses when it installs a bundled template, so either way ends in the same state.
 */
public final class TemplatesInstall {

    private final Http http;
    private final PrintStream out;

    public TemplatesInstall(String url, PrintStream out) {
        this.http = Http.engine(url, System.getenv());
        this.out = out;
    }

    /** Returns how many templates were installed; throws on the first the engine refuses. */
    public int install(Path dir) throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            String name = "secpipe-" + file.getFileName().toString().replaceFirst("\\.json$", "");
            http.send("PUT", "/_index_template/" + name, Files.readAllBytes(file)).orThrow("PUT _index_template/" + name);
            out.println("  installed " + name + " from " + file);
        }
        return files.size();
    }
}
