package io.secpipe.bench.vpcflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.geo.MaxMindGeoLookup;
import io.secpipe.streams.geo.PublicAddresses;
import io.secpipe.streams.vpcflow.Eni;
import io.secpipe.streams.vpcflow.EniIndex;
import io.secpipe.streams.vpcflow.FlowEnricher;
import io.secpipe.streams.vpcflow.FlowLogParser;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second per core of the vpcflow stage's per-record work, single-threaded, on v2 lines shaped
 * like a web tier's traffic: 55 % inbound from random public IPv4 addresses, 30 % between ENIs of the VPC,
 * 15 % outbound to public addresses; 64 ENIs. {@code parse}: line → document → JSON bytes.
 * {@code parseEnrichGeo}: also the ref.eni value read as the GlobalKTable's store hands it over (bytes
 * deserialized per lookup), direction, protocol name, the peer ENI, and GeoIP2 City + ASN of public addresses.
 *
 * <p>GeoIP databases: {@code -Dsecpipe.bench.geoip.dir=DIR} holding GeoLite2-City.mmdb and
 * GeoLite2-ASN.mmdb (the OpenSearch distribution's modules/ingest-geoip); default the project's tiny
 * test databases, which make lookups look cheaper than real ones.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Thread)
public class FlowLogBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LINES = 4096;
    private static final int ENIS = 64;

    private final List<String> lines = new ArrayList<>();
    private final List<String> eniIds = new ArrayList<>();
    /** Stands in for the GlobalKTable's store: ENI id → the value bytes it keeps. */
    private final java.util.Map<String, byte[]> eniValues = new java.util.HashMap<>();
    private final Deserializer<Eni> eniReader = Eni.serde().deserializer();
    private List<String> format;
    private EniIndex index;
    private FlowEnricher enricher;
    private GeoLookup geo;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Random random = new Random(42);
        format = FlowLogFormat.DEFAULT_V2;
        List<Eni> enis = new ArrayList<>();
        for (int i = 0; i < ENIS; i++) {
            String id = String.format("eni-%017x", 0xabc000L + i);
            String ip = "10.0." + (i / 16) + "." + (10 + i % 16);
            String doc = "{\"interface_id\":\"" + id + "\",\"vpc_id\":\"vpc-0d00000000000000f\",\"subnet_id\":\"subnet-0" + (i % 4)
                    + "\",\"instance_id\":\"i-0" + i + "\",\"private_ips\":[\"" + ip + "\"],\"public_ips\":[],\"ipv6_addresses\":[],"
                    + "\"security_group_ids\":[\"sg-web\",\"sg-" + (i % 8) + "\"]}";
            eniIds.add(id);
            eniValues.put(id, Eni.serde().serializer().serialize("ref.eni", Eni.of(JSON.readTree(doc))));
            enis.add(Eni.of(JSON.readTree(doc)));
        }
        index = EniIndex.of(enis);
        int[] ports = {443, 443, 443, 80, 22, 5432, 8080, 53};
        for (int n = 0; n < LINES; n++) {
            int i = random.nextInt(ENIS);
            String own = "10.0." + (i / 16) + "." + (10 + i % 16);
            int kind = random.nextInt(100);
            String src;
            String dst;
            if (kind < 55) {
                src = publicAddress(random);
                dst = own;
            } else if (kind < 85) {
                int j = random.nextInt(ENIS);
                src = "10.0." + (j / 16) + "." + (10 + j % 16);
                dst = own;
            } else {
                src = own;
                dst = publicAddress(random);
            }
            long start = 1793491200L + random.nextInt(86400);
            boolean accept = random.nextInt(10) > 0;
            lines.add("2 123456789012 " + eniIds.get(i) + " " + src + " " + dst + " " + (1024 + random.nextInt(64000)) + " "
                    + ports[random.nextInt(ports.length)] + " " + (random.nextInt(20) == 0 ? 17 : 6) + " " + (1 + random.nextInt(200))
                    + " " + (40 + random.nextInt(200000)) + " " + start + " " + (start + random.nextInt(60)) + " "
                    + (accept ? "ACCEPT" : "REJECT") + " OK");
        }
        String dir = System.getProperty("secpipe.bench.geoip.dir");
        Path city = dir != null ? Path.of(dir, "GeoLite2-City.mmdb") : Path.of("streams-app/src/test/resources/geo/test-city.mmdb");
        Path asn = dir != null ? Path.of(dir, "GeoLite2-ASN.mmdb") : Path.of("streams-app/src/test/resources/geo/test-asn.mmdb");
        geo = Files.isReadable(city) ? new MaxMindGeoLookup(city, asn) : GeoLookup.none();
        System.out.println("\nGeoIP: " + (Files.isReadable(city) ? city + ", " + asn : "off (no database found)"));
        enricher = new FlowEnricher(geo);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (geo instanceof MaxMindGeoLookup m) {
            m.close();
        }
    }

    private static String publicAddress(Random random) throws Exception {
        while (true) {
            byte[] b = new byte[4];
            random.nextBytes(b);
            InetAddress a = InetAddress.getByAddress(b);
            if (PublicAddresses.isPublic(a)) {
                return a.getHostAddress();
            }
        }
    }

    @Benchmark
    public byte[] parse() throws Exception {
        String line = lines.get(next++ & (LINES - 1));
        return JSON.writeValueAsBytes(FlowLogParser.parse(line, format));
    }

    @Benchmark
    public byte[] parseEnrichGeo() throws Exception {
        String line = lines.get(next++ & (LINES - 1));
        ObjectNode doc = FlowLogParser.parse(line, format);
        Eni own = eniReader.deserialize("ref.eni", eniValues.get(doc.get("interface_id").asText()));
        return JSON.writeValueAsBytes(enricher.enrich(doc, own, index));
    }
}
