package io.secpipe.bench.anomaly;

import io.secpipe.streams.anomaly.AnomalyScorer;
import io.secpipe.streams.anomaly.ForestSettings;
import io.secpipe.streams.anomaly.Score;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second of the Streams app's anomaly scorer on one thread: update + score of one point of a warm
 * forest (the sensor demo's values), with the app's defaults (50 trees) and in Kinesis mode (100 trees); and the
 * state round trip the processor pays when a forest leaves its cache.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Thread)
public class RcfBenchmark {

    @Param({"defaults", "kinesis"})
    public String settings;

    private AnomalyScorer scorer;
    private final Random random = new Random(7);
    private long time = 1_780_000_000_000L;

    @Setup(Level.Trial)
    public void setUp() {
        ForestSettings forest = settings.equals("kinesis") ? ForestSettings.kinesis(1, 42) : ForestSettings.defaults(1);
        scorer = AnomalyScorer.create(forest);
        for (int i = 0; i < 2000; i++) {
            scorer.score(new double[] {reading()}, time += 60_000);
        }
    }

    private double reading() {
        return random.nextInt(100) == 0 ? 100 + random.nextDouble() * 20 : 10 + random.nextDouble() * 10;
    }

    @Benchmark
    public Score updateAndScore() {
        return scorer.score(new double[] {reading()}, time += 60_000);
    }

    @Benchmark
    public AnomalyScorer stateRoundTrip() {
        return AnomalyScorer.fromBytes(scorer.toBytes(), 1);
    }
}
