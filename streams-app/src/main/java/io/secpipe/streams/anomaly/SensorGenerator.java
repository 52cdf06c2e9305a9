package io.secpipe.streams.anomaly;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The anomaly demo's sensor readings, as the Kinesis Data Analytics example made them: values 10–20, and
 * 1% of readings 100–120. One JSON line per reading: {@code {"sensor_id", "value", "timestamp"}}
 * (ISO-8601). The same seed gives the same readings.
 */
public final class SensorGenerator {

    /** A reading and whether it was injected as an anomaly (what a test checks the detector against). */
    public record Reading(String sensorId, double value, Instant timestamp, boolean injected) {
        public String json() {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("sensor_id", sensorId);
            doc.put("value", value);
            doc.put("timestamp", timestamp.toString());
            return doc.toString();
        }
    }

    static final double ANOMALY_RATE = 0.01;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Random random;
    private final List<String> sensors;
    private final Duration interval;
    private Instant next;

    public SensorGenerator(long seed, List<String> sensors, Instant start, Duration interval) {
        this.random = new Random(seed);
        this.sensors = List.copyOf(sensors);
        this.next = start;
        this.interval = interval;
    }

    /** One reading per sensor at the next instant. */
    public List<Reading> next() {
        Instant at = next;
        next = next.plus(interval);
        return sensors.stream().map(sensor -> reading(sensor, at)).toList();
    }

    private Reading reading(String sensor, Instant at) {
        boolean injected = random.nextDouble() < ANOMALY_RATE;
        double value = injected ? 100 + 20 * random.nextDouble() : 10 + 10 * random.nextDouble();
        // two decimals, as a sensor reports them
        return new Reading(sensor, Math.round(value * 100) / 100.0, at, injected);
    }

    /** {@code rounds} instants of readings, in time order. */
    public Stream<Reading> readings(int rounds) {
        return IntStream.range(0, rounds).boxed().flatMap(i -> next().stream());
    }

    /** Prints {@code [count [seed [sensors]]]} readings a second apart from now, one JSON line each. */
    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        List<String> sensors = args.length > 2 ? List.of(args[2].split(",")) : List.of("sensor-1");
        PrintStream out = System.out;
        new SensorGenerator(seed, sensors, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), Duration.ofSeconds(1))
                .readings(count).forEach(r -> out.println(r.json()));
    }
}
