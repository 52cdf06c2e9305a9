package io.secpipe.bench.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU seconds and memory of each component over one phase of the benchmark: CPU is the difference of the
 * group's utime + stime between {@link #start} and {@link #stop} (a child that exits meanwhile takes its share
 * with it; the stack's components are long-lived JVMs, so none does); memory is the largest group RSS seen by
 * a sampler every half second, and the members' VmHWM (peak since they started, not only during the phase).
 */
final class ComponentMeter implements AutoCloseable {

    /** What one component used in the phase. */
    record Usage(double cpuSeconds, long sampledPeakRssKb, long vmHwmKb) {
    }

    /** The harness itself: not a group leader, measured alone. */
    static final String HARNESS = "harness";

    private final Map<String, Long> groups;
    private final Map<String, Long> startTicks = new LinkedHashMap<>();
    private final Map<String, Long> peakRss = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    /** {@code groups}: component name to its process group (the pid the stack started it with). */
    ComponentMeter(Map<String, Long> groups) {
        this.groups = groups;
        Map<Long, ProcStats.Group> now = ProcStats.groups();
        groups.forEach((name, group) -> startTicks.put(name, now.getOrDefault(group, ProcStats.Group.NONE).cpuTicks()));
        startTicks.put(HARNESS, ProcStats.self().cpuTicks());
        sampler = new Thread(this::sample, "e2e-rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (running) {
            Map<Long, ProcStats.Group> now = ProcStats.groups();
            groups.forEach((name, group) -> peakRss.merge(name, now.getOrDefault(group, ProcStats.Group.NONE).rssKb(), Math::max));
            peakRss.merge(HARNESS, ProcStats.self().rssKb(), Math::max);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ends the phase: each component's usage, the harness last. */
    Map<String, Usage> stop() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<Long, ProcStats.Group> now = ProcStats.groups();
        Map<String, Usage> usage = new LinkedHashMap<>();
        groups.forEach((name, group) -> {
            ProcStats.Group g = now.getOrDefault(group, ProcStats.Group.NONE);
            usage.put(name, new Usage(seconds(g.cpuTicks() - startTicks.get(name)), Math.max(peakRss.getOrDefault(name, 0L), g.rssKb()),
                    g.peakRssKb()));
        });
        ProcStats.Process self = ProcStats.self();
        usage.put(HARNESS, new Usage(seconds(self.cpuTicks() - startTicks.get(HARNESS)),
                Math.max(peakRss.getOrDefault(HARNESS, 0L), self.rssKb()), self.peakRssKb()));
        return usage;
    }

    private static double seconds(long ticks) {
        return ticks / (double) ProcStats.TICKS_PER_SECOND;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
