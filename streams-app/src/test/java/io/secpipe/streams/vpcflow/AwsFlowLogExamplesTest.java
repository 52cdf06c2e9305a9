package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.formats.Decompression;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import io.secpipe.formats.framing.Frame;
import io.secpipe.formats.framing.FrameReader;
import io.secpipe.formats.framing.FlowLogFraming;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conformance: every example record of AWS's "Flow log record examples" page (27 records: accepted and rejected,
 * no data and skipped, ICMP, IPv6, TCP flag sequences, NAT gateway, traffic through a transit gateway, traffic
 * path and flow direction), each laid out as S3 delivers it: a header line, then the records, plain and gzip.
 * They go through {@link FlowLogFraming} as the source frames them, then through {@link FlowLogTopology}. Each
 * file's documents are compared with {@code NAME.expected.jsonl}, one document per record in order, reviewed by
 * hand against the values the documentation states.
 *
 * <p>{@code transit-gateway.log} is a transit gateway's own flow log in its default format (every field of the
 * Transit Gateway Flow Logs table, in order). Its field list is AWS's; its values are ours, in AWS's ID shapes:
 * the stored documentation holds no example line of that format.
 */
class AwsFlowLogExamplesTest {

    static final Path DIR = Path.of("src/test/resources/vpcflow");
    /** The S3 object's LastModified, as the source sends it in secpipe.delivery.time. */
    static final String DELIVERED = "2026-11-01T10:05:00Z";
    /** The Kafka record's timestamp (the source's append time): never an event time while a better clock exists. */
    static final long APPENDED = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> raw;
    private TestOutputTopic<String, String> enriched;
    private TestOutputTopic<String, String> deadLetters;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        FlowLogTopology.addTo(builder, FlowLogTopology.Config.from(new Properties()));
        driver = new TopologyTestDriver(builder.build());
        raw = driver.createInputTopic("raw.vpcflow", Serdes.String().serializer(), Serdes.String().serializer());
        enriched = driver.createOutputTopic("vpcflow.enriched", Serdes.String().deserializer(), Serdes.String().deserializer());
        deadLetters = driver.createOutputTopic("dlq.vpcflow", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default-v2", "tcp-flags", "nat-gateway", "transit-gateway-vpc", "traffic-path", "transit-gateway"})
    void everyExampleRecordBecomesExactlyItsDocumentAndTheHeaderNothing(String name) throws IOException {
        byte[] text = Files.readAllBytes(DIR.resolve("aws/" + name + ".log"));
        List<String> expected = Files.readAllLines(DIR.resolve("aws/" + name + ".expected.jsonl"));
        for (byte[] delivered : List.of(text, gzip(text))) {
            List<TestRecord<String, String>> records = frame("s3://flow-logs/aws/" + name + ".log.gz", delivered, DELIVERED);
            assertThat(records).as("one record per line after the header").hasSize(lineCount(text) - 1);
            records.forEach(raw::pipeInput);
            assertThat(enriched.readValuesToList()).as(name).containsExactlyElementsOf(expected);
            assertThat(deadLetters.isEmpty()).as("no dead letter").isTrue();
        }
    }

    @Test
    void theExamplesPageHasTwentySevenRecordsAndTenHaveNoTimeOfTheirOwn() throws IOException {
        int records = 0;
        int delivered = 0;
        for (String name : List.of("default-v2", "tcp-flags", "nat-gateway", "transit-gateway-vpc", "traffic-path")) {
            for (String doc : Files.readAllLines(DIR.resolve("aws/" + name + ".expected.jsonl"))) {
                records++;
                if (doc.contains("\"event\":{\"time_source\":\"delivery\"}")) {
                    assertThat(doc).startsWith("{\"@timestamp\":\"" + DELIVERED + "\"");
                    delivered++;
                }
            }
        }
        assertThat(records).isEqualTo(27);
        assertThat(delivered).isEqualTo(10);
    }

    /**
     * The done-when file of issue 14: a v2 block, a v5 block, a transit gateway block and, after a blank line, a
     * NAT-gateway block without time fields, each with its header; the gzip file is four gzip members, as
     * concatenated S3 objects are. 18 records, 18 documents, 0 dead letters.
     */
    @Test
    void aConcatenatedFileOfFourFormatsGivesOneDocumentPerRecordAndNoDeadLetter() throws IOException {
        byte[] gz = Files.readAllBytes(DIR.resolve("concatenated.log.gz"));
        assertThat(new String(Decompression.open(new ByteArrayInputStream(gz)).readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(DIR.resolve("concatenated.log")));
        List<String> expected = new ArrayList<>();
        for (String name : List.of("default-v2", "traffic-path", "transit-gateway", "nat-gateway")) {
            expected.addAll(Files.readAllLines(DIR.resolve("aws/" + name + ".expected.jsonl")));
        }
        List<TestRecord<String, String>> records = frame("s3://flow-logs/concatenated.log.gz", gz, DELIVERED);
        assertThat(records).hasSize(18);
        assertThat(records).extracting(r -> header(r, SecpipeHeaders.SOURCE)).first()
                .isEqualTo(SourcePosition.ofS3Object("flow-logs", "concatenated.log.gz", 2).uri());
        assertThat(records).extracting(TestRecord::key).containsExactly(
                "eni-1235b8ca123456789", "eni-1235b8ca123456789", "eni-1235b8ca123456789", "eni-11111111aaaaaaaaa",
                "eni-1235b8ca123456789", "eni-1235b8ca123456789", "eni-1235b8ca123456789",
                "eni-1235b8ca123456789", "eni-1235b8ca123456789",
                "tgw-attach-0a1b2c3d4e5f60719", "tgw-attach-0a1b2c3d4e5f60720", "tgw-attach-0a1b2c3d4e5f60719",
                "eni-1235b8ca123456789", "eni-1235b8ca123456789", "eni-1235b8ca123456789", "eni-1235b8ca123456789",
                "eni-1111aaaa2222bbbb3", "eni-1111aaaa2222bbbb3");
        records.forEach(raw::pipeInput);
        List<String> documents = enriched.readValuesToList();
        assertThat(documents).containsExactlyElementsOf(expected);
        assertThat(deadLetters.isEmpty()).isTrue();

        // a few in full: the first of the v2 block, the first of the transit gateway block, the first NAT record
        assertThat(documents.get(0)).isEqualTo("{\"@timestamp\":\"2014-12-14T04:06:50Z\",\"version\":2,"
                + "\"account_id\":\"123456789010\",\"interface_id\":\"eni-1235b8ca123456789\",\"srcaddr\":\"172.31.16.139\","
                + "\"dstaddr\":\"172.31.16.21\",\"srcport\":20641,\"dstport\":22,\"protocol\":6,\"packets\":20,\"bytes\":4249,"
                + "\"start\":1418530010,\"end\":1418530070,\"action\":\"ACCEPT\",\"log_status\":\"OK\","
                + "\"event\":{\"time_source\":\"start\"},\"protocol_name\":\"tcp\"}");
        assertThat(documents.get(9)).isEqualTo("{\"@timestamp\":\"2023-11-14T22:13:20Z\",\"version\":6,"
                + "\"resource_type\":\"TransitGateway\",\"account_id\":\"123456789010\",\"tgw_id\":\"tgw-0a1b2c3d4e5f60718\","
                + "\"tgw_attachment_id\":\"tgw-attach-0a1b2c3d4e5f60719\",\"tgw_src_vpc_account_id\":\"123456789010\","
                + "\"tgw_dst_vpc_account_id\":\"210987654321\",\"tgw_src_vpc_id\":\"vpc-0a1b2c3d4e5f6071a\","
                + "\"tgw_dst_vpc_id\":\"vpc-0a1b2c3d4e5f6071b\",\"tgw_src_subnet_id\":\"subnet-0a1b2c3d4e5f6071c\","
                + "\"tgw_dst_subnet_id\":\"subnet-0a1b2c3d4e5f6071d\",\"tgw_src_eni\":\"eni-0a1b2c3d4e5f6071e\","
                + "\"tgw_dst_eni\":\"eni-0a1b2c3d4e5f6071f\",\"tgw_src_az_id\":\"use1-az1\",\"tgw_dst_az_id\":\"use1-az2\","
                + "\"tgw_pair_attachment_id\":\"tgw-attach-0a1b2c3d4e5f60720\",\"srcaddr\":\"10.20.33.164\","
                + "\"dstaddr\":\"10.40.2.236\",\"srcport\":39812,\"dstport\":443,\"protocol\":6,\"packets\":12,\"bytes\":4310,"
                + "\"start\":1700000000,\"end\":1700000060,\"log_status\":\"OK\",\"type\":\"IPv4\",\"packets_lost_no_route\":0,"
                + "\"packets_lost_blackhole\":0,\"packets_lost_mtu_exceeded\":0,\"packets_lost_ttl_expired\":0,\"tcp_flags\":19,"
                + "\"region\":\"us-east-1\",\"flow_direction\":\"ingress\",\"event\":{\"time_source\":\"start\"},"
                + "\"direction\":\"inbound\",\"protocol_name\":\"tcp\"}");
        assertThat(documents.get(12)).isEqualTo("{\"@timestamp\":\"" + DELIVERED + "\","
                + "\"interface_id\":\"eni-1235b8ca123456789\",\"srcaddr\":\"10.0.1.5\",\"dstaddr\":\"10.0.0.220\","
                + "\"pkt_srcaddr\":\"10.0.1.5\",\"pkt_dstaddr\":\"203.0.113.5\",\"event\":{\"time_source\":\"delivery\"}}");
        assertThat(documents).filteredOn(d -> d.contains("\"time_source\":\"delivery\"")).hasSize(6)
                .allMatch(d -> d.startsWith("{\"@timestamp\":\"" + DELIVERED + "\","));

        // the plain twin frames to the same records, and a second replay of the same file gives the same documents
        assertThat(frame("s3://flow-logs/concatenated.log.gz", Files.readAllBytes(DIR.resolve("concatenated.log")), DELIVERED))
                .extracting(TestRecord::value).containsExactlyElementsOf(records.stream().map(TestRecord::value).toList());
        frame("s3://flow-logs/concatenated.log.gz", gz, DELIVERED).forEach(raw::pipeInput);
        assertThat(enriched.readValuesToList()).containsExactlyElementsOf(documents);
    }

    @Test
    void withoutADeliveryTimeAFlowWithoutStartOrEndTakesTheRecordTimestamp() throws IOException {
        frame("file:/nat.log", Files.readAllBytes(DIR.resolve("aws/nat-gateway.log")), null).forEach(raw::pipeInput);
        List<String> documents = enriched.readValuesToList();
        assertThat(documents).hasSize(6).allMatch(d -> d.startsWith("{\"@timestamp\":\"2026-11-02T00:00:00Z\",")
                && d.endsWith("\"event\":{\"time_source\":\"record\"}}"));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aFlowWithEndButNoStartTakesItsEnd() {
        raw.pipeInput(record("eni-1", "eni-1 10.0.0.1 10.0.0.2 1700000060", "interface-id srcaddr dstaddr end", DELIVERED));
        assertThat(enriched.readValue()).isEqualTo("{\"@timestamp\":\"2023-11-14T22:14:20Z\",\"interface_id\":\"eni-1\","
                + "\"srcaddr\":\"10.0.0.1\",\"dstaddr\":\"10.0.0.2\",\"end\":1700000060,\"event\":{\"time_source\":\"end\"}}");
    }

    @Test
    void aHeaderLineThatReachesTheTopicIsNeitherADocumentNorADeadLetter() {
        raw.pipeInput(record(null, FlowLogFormat.DEFAULT_V2_STRING, null, DELIVERED));
        raw.pipeInput(record(null, "instance-id interface-id", "instance-id interface-id", DELIVERED));
        assertThat(enriched.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void onlyTrulyMalformedLinesAreDeadLetters() {
        String tgw = String.join(" ", FlowLogFormat.DEFAULT_TGW);
        String good = "6 TransitGateway 123456789010 tgw-1 tgw-attach-1 - - - - - - - - - - - 10.0.0.1 10.0.0.2 1 2 6 1 1 "
                + "1700000000 1700000060 OK IPv4 0 0 0 0 0 us-east-1 ingress - -";
        raw.pipeInput(record("tgw-attach-1", good, tgw, DELIVERED));
        raw.pipeInput(record("tgw-attach-1", good.replace(" OK IPv4 0 0 ", " OK IPv4 0 lots "), tgw, DELIVERED));
        raw.pipeInput(record("tgw-attach-1", good.replace(" OK IPv4 ", " OK IPv5 "), tgw, DELIVERED));
        raw.pipeInput(record("eni-1", "eni-1 9", "interface-id traffic-path", DELIVERED));
        assertThat(enriched.readValuesToList()).hasSize(1);
        assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, SecpipeHeaders.ERROR_MESSAGE)).containsExactly(
                "field 'packets-lost-blackhole' is not a non-negative whole number: 'lots'",
                "field 'type' is not one of [EFA, IPv4, IPv6]: 'IPv5'",
                "field 'traffic-path' is not one of 1 to 8: '9'");
    }

    /** Frames a delivered file as the S3 source does and makes the records it would send. */
    static List<TestRecord<String, String>> frame(String uri, byte[] file, String deliveryTime) throws IOException {
        List<TestRecord<String, String>> records = new ArrayList<>();
        try (FrameReader reader = new FlowLogFraming(FlowLogFormat.DEFAULT_V2).open(Decompression.open(new ByteArrayInputStream(file)))) {
            Frame frame;
            long after = 0;
            while ((frame = reader.next(after)) != null) {
                assertThat(frame.isError()).isFalse();
                after = frame.position();
                TestRecord<String, String> record = record(frame.key(), new String(frame.value(), StandardCharsets.UTF_8),
                        frame.headers().get(SecpipeHeaders.FORMAT), deliveryTime);
                SourcePosition position = new SourcePosition(uri + "#" + frame.position());
                record.headers().add(SecpipeHeaders.SOURCE, position.uri().getBytes(StandardCharsets.UTF_8));
                record.headers().add(SecpipeHeaders.ID, position.documentId().getBytes(StandardCharsets.UTF_8));
                records.add(record);
            }
        }
        return records;
    }

    static TestRecord<String, String> record(String key, String line, String format, String deliveryTime) {
        Headers headers = new RecordHeaders();
        if (format != null) {
            headers.add(SecpipeHeaders.FORMAT, format.getBytes(StandardCharsets.UTF_8));
        }
        if (deliveryTime != null) {
            headers.add(SecpipeHeaders.DELIVERY_TIME, deliveryTime.getBytes(StandardCharsets.UTF_8));
        }
        return new TestRecord<>(key, line, headers, APPENDED);
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static int lineCount(byte[] text) {
        return (int) new String(text, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).count();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
