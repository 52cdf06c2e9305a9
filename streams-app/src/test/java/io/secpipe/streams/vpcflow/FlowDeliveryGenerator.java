package io.secpipe.streams.vpcflow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Flow-log lines as AWS delivers them, deterministically from a seed: every interface has its own capture windows of
 * one aggregation interval, starting at its own offset; each window's flows (start and end inside it) form one batch,
 * delivered after a delay of up to {@code maxDelay}; the batches delivered within one interval make one delivery
 * (a file of S3 delivery), whose lines are in no particular order.
 */
public final class FlowDeliveryGenerator {

    /** One line with the key its source gives it (the interface) and when it was delivered. */
    public record Line(String key, String text, Instant delivered) {
    }

    private static final String[] ACTIONS = {"ACCEPT", "ACCEPT", "ACCEPT", "REJECT"};
    private static final int[] PORTS = {443, 80, 22, 53, 3389};
    private static final int[] PROTOCOLS = {6, 6, 6, 17};

    private final long seed;
    private final int interfaces;
    private final Duration interval;
    private final Duration maxDelay;

    public FlowDeliveryGenerator(long seed, int interfaces, Duration interval, Duration maxDelay) {
        this.seed = seed;
        this.interfaces = interfaces;
        this.interval = interval;
        this.maxDelay = maxDelay;
    }

    /** The deliveries of {@code span} of capture from {@code start}, in delivery order, each shuffled. */
    public List<List<Line>> deliveries(Instant start, Duration span, int minFlows, int maxFlows) {
        Random random = new Random(seed);
        long intervalS = interval.toSeconds();
        List<Line> batches = new ArrayList<>();
        for (int i = 0; i < interfaces; i++) {
            String eni = String.format("eni-%017x", 0xd11a0000L + i);
            long offset = random.nextInt((int) intervalS);
            for (long w = start.getEpochSecond() + offset; w + intervalS <= start.getEpochSecond() + span.toSeconds(); w += intervalS) {
                Instant delivered = Instant.ofEpochSecond(w + intervalS + random.nextInt((int) maxDelay.toSeconds()));
                int flows = minFlows + random.nextInt(maxFlows - minFlows + 1);
                for (int f = 0; f < flows; f++) {
                    long flowStart = w + random.nextInt((int) intervalS - 1);
                    long flowEnd = flowStart + 1 + random.nextInt((int) (w + intervalS - flowStart - 1));
                    int packets = 1 + random.nextInt(40);
                    long bytes = packets * (40L + random.nextInt(1460));
                    String line = String.join(" ", "2", "111122223333", eni, "10.0." + i + "." + (1 + random.nextInt(250)),
                            "10.1.0." + (1 + random.nextInt(250)), Integer.toString(1024 + random.nextInt(60000)),
                            Integer.toString(PORTS[random.nextInt(PORTS.length)]), Integer.toString(PROTOCOLS[random.nextInt(PROTOCOLS.length)]),
                            Integer.toString(packets), Long.toString(bytes), Long.toString(flowStart), Long.toString(flowEnd),
                            ACTIONS[random.nextInt(ACTIONS.length)], "OK");
                    batches.add(new Line(eni, line, delivered));
                }
            }
        }
        // one delivery per interval of delivery time, its lines shuffled together
        Map<Long, List<Line>> byDelivery = new TreeMap<>();
        batches.stream().sorted(Comparator.comparing(Line::delivered))
                .forEach(l -> byDelivery.computeIfAbsent(l.delivered().getEpochSecond() / intervalS, k -> new ArrayList<>()).add(l));
        List<List<Line>> deliveries = new ArrayList<>();
        byDelivery.values().forEach(d -> {
            Collections.shuffle(d, random);
            deliveries.add(d);
        });
        return deliveries;
    }

    /**
     * Writes the delivery of {@code FlowDeliveryTest} as one flow-log file, deliveries in order, for the local stack's
     * replay test ({@code ops/src/test/resources/e2e/vpcflow-delivery.log}): {@code main(path)}.
     */
    public static void main(String[] args) throws java.io.IOException {
        List<String> text = new FlowDeliveryGenerator(16, 30, Duration.ofMinutes(10), Duration.ofMinutes(10))
                .deliveries(Instant.parse("2026-11-24T15:00:00Z"), Duration.ofHours(1), 3, 9)
                .stream().flatMap(List::stream).map(Line::text).toList();
        java.nio.file.Files.write(java.nio.file.Path.of(args[0]), text);
    }

    /** {@code interface|action|dstport|protocol|minute} → {flows, bytes, packets}, computed from the lines alone. */
    public static Map<String, long[]> minuteSums(List<Line> lines) {
        Map<String, long[]> sums = new TreeMap<>();
        for (Line line : lines) {
            String[] f = line.text().split(" ");
            long start = Long.parseLong(f[10]);
            String minute = Instant.ofEpochSecond(start - Math.floorMod(start, 60)).toString();
            long[] s = sums.computeIfAbsent(f[2] + "|" + f[12] + "|" + f[6] + "|" + f[7] + "|" + minute, k -> new long[3]);
            s[0]++;
            s[1] += Long.parseLong(f[9]);
            s[2] += Long.parseLong(f[8]);
        }
        return sums;
    }
}
