package io.secpipe.bench;

import io.secpipe.bench.nab.NabCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.UncheckedIOException;

/** {@code secpipe bench <harness>}: a thin parent; each harness is a subcommand. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {NabCommand.class, io.secpipe.bench.e2e.E2eCommand.class},
        description = "Benchmark harnesses. They print figures; nothing is asserted.")
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a harness: "
                + spec.subcommands().keySet());
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new BenchCommand());
        // bad data or a bad name is the user's to fix: its message, not a stack trace
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof UncheckedIOException) {
                cmd.getErr().println("bench " + cmd.getCommandName() + ": " + e.getMessage());
                return 1;
            }
            throw e;
        });
        System.exit(commandLine.execute(args));
    }
}
