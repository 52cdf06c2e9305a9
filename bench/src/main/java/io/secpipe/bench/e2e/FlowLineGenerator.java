package io.secpipe.bench.e2e;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic VPC Flow Logs lines in the default v2 format, deterministic for a seed: a few hundred network
 * interfaces, each with a private address, talking to public clients, scanners, private peers and public
 * services, accepted or rejected as such traffic is. Every line is a valid OK record (no NODATA, nothing
 * malformed), so every line must end up as one document.
 *
 * <p>The interfaces are named {@code eni-0e2e...} (still hex): the harness finds and deletes its documents
 * by that prefix afterwards, minute sums included.
 */
final class FlowLineGenerator {

    static final String FORMAT = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
    static final String INTERFACE_PREFIX = "eni-0e2e";

    /** First octets of ranges that are public, routed and mostly known to the GeoLite2 databases. */
    private static final int[] PUBLIC_FIRST_OCTETS = {2, 3, 13, 18, 23, 34, 35, 45, 52, 54, 61, 81, 89, 92, 104, 151, 175, 185, 193, 218};
    private static final int[] SCANNED_PORTS = {22, 23, 445, 1433, 3306, 3389, 5900, 6379, 8080};
    private static final int[] SERVICE_PORTS = {443, 443, 443, 80};

    private final SplittableRandom random;
    private final String account;
    private final List<Interface> interfaces;

    record Interface(String id, String address) {
    }

    FlowLineGenerator(long seed, String account, int interfaceCount) {
        this.random = new SplittableRandom(seed);
        this.account = account;
        this.interfaces = java.util.stream.IntStream.range(0, interfaceCount)
                .mapToObj(i -> new Interface(INTERFACE_PREFIX + String.format("%013x", random.nextLong() & 0xFFFFFFFFFFFFFL),
                        "10." + (i / 250) + "." + (1 + random.nextInt(250)) + "." + (4 + i % 250)))
                .toList();
    }

    List<Interface> interfaces() {
        return interfaces;
    }

    /** The next line; its flow ended up to a minute before {@code nowSeconds}, as a capture window does. */
    String next(long nowSeconds) {
        Interface eni = interfaces.get(random.nextInt(interfaces.size()));
        long end = nowSeconds - random.nextInt(60);
        long start = end - 1 - random.nextInt(59);
        double kind = random.nextDouble();
        String src;
        String dst;
        int srcport;
        int dstport;
        int protocol = 6;
        long packets;
        long bytes;
        String action = "ACCEPT";
        if (kind < 0.40) { // public clients to a service on the interface
            src = publicAddress();
            dst = eni.address();
            srcport = ephemeralPort();
            dstport = SERVICE_PORTS[random.nextInt(SERVICE_PORTS.length)];
            packets = 4 + random.nextInt(60);
            bytes = packets * (60 + random.nextInt(1400));
        } else if (kind < 0.60) { // scanners knocking on closed ports
            src = publicAddress();
            dst = eni.address();
            srcport = 1024 + random.nextInt(64511);
            dstport = SCANNED_PORTS[random.nextInt(SCANNED_PORTS.length)];
            packets = 1 + random.nextInt(3);
            bytes = packets * 40;
            action = "REJECT";
        } else if (kind < 0.80) { // east-west inside the VPC
            Interface peer = interfaces.get(random.nextInt(interfaces.size()));
            src = peer.address();
            dst = eni.address();
            srcport = ephemeralPort();
            dstport = random.nextBoolean() ? 5432 : 6379;
            packets = 10 + random.nextInt(400);
            bytes = packets * (80 + random.nextInt(1300));
        } else if (kind < 0.97) { // out to public services
            src = eni.address();
            dst = publicAddress();
            srcport = ephemeralPort();
            dstport = 443;
            packets = 10 + random.nextInt(300);
            bytes = packets * (100 + random.nextInt(1300));
        } else { // DNS to the VPC resolver
            src = eni.address();
            dst = "10.0.0.2";
            srcport = ephemeralPort();
            dstport = 53;
            protocol = 17;
            packets = 2;
            bytes = 120 + random.nextInt(200);
        }
        return "2 " + account + " " + eni.id() + " " + src + " " + dst + " " + srcport + " " + dstport + " " + protocol + " "
                + packets + " " + bytes + " " + start + " " + end + " " + action + " OK";
    }

    private int ephemeralPort() {
        return 32768 + random.nextInt(28232);
    }

    private String publicAddress() {
        int first = PUBLIC_FIRST_OCTETS[random.nextInt(PUBLIC_FIRST_OCTETS.length)];
        return first + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }
}
