package io.secpipe.ops.dashboards;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secpipe dashboards}: the saved objects of {@code search/dashboards/}. */
@Command(name = "dashboards", mixinStandardHelpOptions = true,
        description = "Kibana / OpenSearch Dashboards saved objects of search/dashboards/.",
        subcommands = {DashboardsCommand.Install.class})
public final class DashboardsCommand {

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Import the index patterns, visualizations, saved searches and dashboards through the "
                    + "saved-objects API, overwriting earlier copies (running it again changes nothing).",
                    "Basic auth, if needed, from the environment: " + SavedObjectsImport.Credentials.USERNAME_ENV + " and "
                            + SavedObjectsImport.Credentials.PASSWORD_ENV + "."})
    public static final class Install implements Callable<Integer> {

        @Option(names = "--url", required = true,
                description = "Kibana or OpenSearch Dashboards, with its base path if it has one, e.g. http://localhost:5601")
        String url;

        @Option(names = "--flavor", defaultValue = "kibana", description = "kibana (default) or opensearch-dashboards")
        String flavor;

        @Option(names = "--file", description = "The NDJSON to import (default: search/dashboards/secpipe.ndjson of the project).")
        Path file;

        @Spec
        CommandSpec spec;

        /** Where credentials come from; tests replace it. */
        Function<String, String> env = System::getenv;

        @Override
        public Integer call() throws InterruptedException {
            Flavor target;
            try {
                target = Flavor.of(flavor);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--flavor: " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Optional<SavedObjectsImport.Credentials> credentials = SavedObjectsImport.Credentials.fromEnvironment(env);
                SavedObjectsFile objects = SavedObjectsFile.read(file != null ? file : defaultFile());
                SavedObjectsImport.Outcome outcome = new SavedObjectsImport(url, target, credentials).post(objects);
                if (!outcome.success()) {
                    err.println("secpipe: the import into " + url + " failed (" + outcome.successCount() + " of "
                            + objects.objects().size() + " objects imported):");
                    outcome.problems().forEach(p -> err.println("  " + p));
                    return 1;
                }
                out.println(outcome.successCount() + " saved objects imported into " + target.id() + " at " + url);
                String base = url.replaceAll("/+$", "");
                objects.ofType("dashboard").forEach(d -> out.println("  " + d.title() + ": " + base + "/app/dashboards#/view/" + d.id()));
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                err.println("secpipe: " + e.getMessage());
                return 1;
            }
        }

        private static Path defaultFile() {
            return Path.of(System.getProperty("secpipe.root", ".")).resolve("search/dashboards/secpipe.ndjson").toAbsolutePath().normalize();
        }
    }
}
