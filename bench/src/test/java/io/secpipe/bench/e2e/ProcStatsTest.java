package io.secpipe.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void statFieldsAreCountedFromTheLastParenthesisOfTheCommandName() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime ...
        String stat = "4242 (java (main) x) S 1 4200 4200 0 -1 4194560 91234 0 12 0 1530 270 7 3 20 0 61 0 123456 "
                + "5000000000 200000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        assertThat(ProcStats.groupAndCpuTicks(stat)).containsExactly(4200, 1800);
    }

    @Test
    void statusLinesInKilobytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  812345 kB\nVmRSS:\t  700001 kB\nThreads:\t61\n";
        assertThat(ProcStats.statusKb(status, "VmHWM")).isEqualTo(812345);
        assertThat(ProcStats.statusKb(status, "VmRSS")).isEqualTo(700001);
        assertThat(ProcStats.statusKb("Name:\tkthreadd\nThreads:\t1\n", "VmRSS")).isZero();
    }

    @Test
    void theHarnessFindsItsOwnProcessInItsGroup() {
        ProcStats.Process self = ProcStats.self();
        assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(self.peakRssKb()).isGreaterThanOrEqualTo(self.rssKb()).isPositive();
        assertThat(ProcStats.groups().get(self.group()).processes()).isPositive();
    }
}
