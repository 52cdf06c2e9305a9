package io.secpipe.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What Linux's /proc says of processes: CPU time (utime + stime, all threads) and resident memory (current and
 * peak), read for every process of a process group. The local stack starts each component in its own group
 * (setsid), so a group is a component, a launcher script and its JVM included.
 */
final class ProcStats {

    /** One process: its group, CPU clock ticks, resident and peak resident kB. */
    record Process(long pid, long group, long cpuTicks, long rssKb, long peakRssKb) {
    }

    /** A group's sums. Peak RSS is the sum of each member's own peak (VmHWM): an upper bound of the group's peak. */
    record Group(long cpuTicks, long rssKb, long peakRssKb, int processes) {
        static final Group NONE = new Group(0, 0, 0, 0);

        Group plus(Process p) {
            return new Group(cpuTicks + p.cpuTicks(), rssKb + p.rssKb(), peakRssKb + p.peakRssKb(), processes + 1);
        }
    }

    /** USER_HZ: the unit of utime and stime. 100 on every Linux platform Java runs on. */
    static final long TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /**
     * Parses {@code /proc/<pid>/stat}. The command name (2nd field) is in parentheses and may hold spaces and
     * parentheses itself, so the fields are counted from the last ')'.
     */
    static long[] groupAndCpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15
        long group = Long.parseLong(fields[2]);
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return new long[] {group, utime + stime};
    }

    /** A {@code kB} line of {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM}); 0 when absent (a kernel thread, a zombie). */
    static long statusKb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String value = line.substring(key.length() + 1).trim();
                return Long.parseLong(value.split("\\s+")[0]);
            }
        }
        return 0;
    }

    static Process read(Path procDir) throws IOException {
        long pid = Long.parseLong(procDir.getFileName().toString());
        long[] groupAndTicks = groupAndCpuTicks(Files.readString(procDir.resolve("stat")));
        String status = Files.readString(procDir.resolve("status"));
        return new Process(pid, groupAndTicks[0], groupAndTicks[1], statusKb(status, "VmRSS"), statusKb(status, "VmHWM"));
    }

    /** Sums per process group for every live process in one pass over /proc. */
    static Map<Long, Group> groups() {
        Map<Long, Group> groups = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    Process process = read(p);
                    groups.merge(process.group(), Group.NONE.plus(process), (a, b) -> new Group(a.cpuTicks() + b.cpuTicks(),
                            a.rssKb() + b.rssKb(), a.peakRssKb() + b.peakRssKb(), a.processes() + b.processes()));
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we read it
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return groups;
    }

    /** One process alone (the harness's own JVM, which is not a group leader). */
    static Process self() {
        try {
            return read(Path.of("/proc", String.valueOf(ProcessHandle.current().pid())));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self", e);
        }
    }
}
