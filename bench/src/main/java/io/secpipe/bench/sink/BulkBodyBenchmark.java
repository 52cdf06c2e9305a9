package io.secpipe.bench.sink;

import io.secpipe.connect.sink.BulkItem;
import io.secpipe.connect.sink.BulkRequestBody;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Encoding a bulk body of flow-log documents (about 330 bytes each), per batch. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BulkBodyBenchmark {

    @Param({"500", "2000"})
    int batchSize;

    private List<BulkItem> items;

    @Setup
    public void setUp() {
        items = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            items.add(new BulkItem("cwl-vpcflow-2024.03.01", "eni-0123456789abcdef0:" + i, SinkThroughput.document(i)
                    .getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Benchmark
    public byte[] encode() {
        return BulkRequestBody.encode(items);
    }
}
