package io.secpipe.ops.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Starts components as detached child processes, each in its own process group (setsid) with its
 * output in a log file, and stops them by group. A pid file records the pid and start time, so
 * {@code down} stops what {@code up} started and nothing else, even after the pid is reused.
 */
final class Supervisor {

    private final Path runDir;
    private final Path logDir;

    Supervisor(Path runDir, Path logDir) {
        this.runDir = runDir;
        this.logDir = logDir;
    }

    Path log(String component) {
        return logDir.resolve(component + ".log");
    }

    long start(String component, List<String> command, Map<String, String> environment, Path workDir) throws IOException {
        Files.createDirectories(runDir);
        Files.createDirectories(logDir);
        List<String> grouped = new ArrayList<>();
        grouped.add("setsid");
        grouped.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(grouped)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(component).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        Instant started = process.info().startInstant().orElse(Instant.EPOCH);
        Files.writeString(runDir.resolve(component + ".pid"), process.pid() + " " + started.toEpochMilli() + "\n");
        return process.pid();
    }

    /** The live process this stack started for the component, if any. */
    Optional<ProcessHandle> running(String component) {
        Path pidFile = runDir.resolve(component + ".pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(pidFile).trim().split(" ");
            long pid = Long.parseLong(parts[0]);
            long started = Long.parseLong(parts[1]);
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM to the component's process group, SIGKILL to whatever is left after the grace period. */
    boolean stop(String component, Duration grace) throws InterruptedException {
        Optional<ProcessHandle> process = running(component);
        try {
            if (process.isEmpty()) {
                return false;
            }
            long group = process.get().pid();
            signal("-TERM", group);
            Instant deadline = Instant.now().plus(grace);
            while (Instant.now().isBefore(deadline) && !groupMembers(group).isEmpty()) {
                Thread.sleep(200);
            }
            if (!groupMembers(group).isEmpty()) {
                signal("-KILL", group);
                Thread.sleep(500);
            }
            return true;
        } finally {
            try {
                Files.deleteIfExists(runDir.resolve(component + ".pid"));
            } catch (IOException ignored) {
                // a stale pid file is recognised as stale by its start time
            }
        }
    }

    /** kill -9 of the component's whole process group, as a crash would end it: no shutdown hook runs. */
    void kill(String component) throws InterruptedException {
        Optional<ProcessHandle> process = running(component);
        if (process.isEmpty()) {
            return;
        }
        long group = process.get().pid();
        signal("-KILL", group);
        Instant deadline = Instant.now().plusSeconds(30);
        while (!groupMembers(group).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }

    private static void signal(String signal, long group) throws InterruptedException {
        try {
            new ProcessBuilder("kill", signal, "--", "-" + group).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill", e);
        }
    }

    /** Processes whose process group is {@code group}, read from /proc. */
    static List<Long> groupMembers(long group) {
        List<Long> members = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // after "pid (comm) ": state ppid pgrp ...
                    if (Long.parseLong(fields[2]) == group && !fields[0].equals("Z")) {
                        members.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return members;
    }

    /** Waits for a condition, printing a dot every few seconds; fails if the component's process dies. */
    void await(String component, String what, Duration timeout, java.io.PrintStream out, Check check)
            throws StackException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Instant nextDot = Instant.now().plusSeconds(3);
        out.print("  waiting for " + what);
        out.flush();
        while (true) {
            String problem;
            try {
                if (check.done()) {
                    out.println(" ok");
                    return;
                }
                problem = null;
            } catch (Exception e) {
                problem = e.toString();
            }
            if (running(component).isEmpty()) {
                out.println(" failed");
                throw new StackException(component + " stopped while starting: read " + log(component));
            }
            if (Instant.now().isAfter(deadline)) {
                out.println(" timed out");
                throw new StackException(component + " did not become ready within " + timeout.toSeconds() + " s"
                        + (problem == null ? "" : " (last: " + problem + ")") + ": read " + log(component));
            }
            if (Instant.now().isAfter(nextDot)) {
                out.print(".");
                out.flush();
                nextDot = Instant.now().plusSeconds(3);
            }
            Thread.sleep(250);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean done() throws Exception;
    }
}
