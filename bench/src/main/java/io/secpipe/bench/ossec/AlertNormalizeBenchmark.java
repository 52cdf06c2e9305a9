package io.secpipe.bench.ossec;

import io.secpipe.streams.geo.GeoLookup;
import io.secpipe.streams.ossec.AlertNormalizer;
import io.secpipe.streams.ossec.MalformedAlertException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One alerts.json line to document bytes (parse, normalize, serialize), per shape, in records/s on one thread. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class AlertNormalizeBenchmark {

    static final byte[] OSSEC = ("{\"rule\":{\"level\":10,\"comment\":\"sshd: brute force trying to get access to the system.\","
            + "\"sidid\":5712,\"firedtimes\":3,\"group\":\"syslog,sshd,authentication_failures,\"},\"srcip\":\"203.0.113.7\","
            + "\"srcport\":\"51022\",\"dstport\":\"22\",\"srcuser\":\"admin\",\"full_log\":\"Nov 14 22:13:20 web1 sshd[811]: "
            + "Failed password for invalid user admin from 203.0.113.7 port 51022 ssh2\",\"decoder\":\"sshd\",\"decoder\":\"sshd\","
            + "\"location\":\"(web1) 10.0.0.5->/var/log/secure\",\"hostname\":\"web1\",\"TimeStamp\":1700000000123}")
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] WAZUH = ("{\"timestamp\":\"2023-11-14T22:14:05.250+0000\",\"rule\":{\"level\":5,\"description\":"
            + "\"sshd: Attempt to login using a non-existent user\",\"id\":\"5710\",\"firedtimes\":1,\"mail\":false,\"groups\":"
            + "[\"syslog\",\"sshd\",\"authentication_failed\",\"invalid_login\"],\"pci_dss\":[\"10.2.4\",\"10.2.5\"]},\"agent\":"
            + "{\"id\":\"001\",\"name\":\"db1\",\"ip\":\"10.0.1.9\"},\"manager\":{\"name\":\"wazuh-manager\"},\"id\":\"1700000045.88211\","
            + "\"full_log\":\"Nov 14 22:14:05 db1 sshd[4242]: Invalid user oracle from 10.0.9.9 port 40000\",\"predecoder\":"
            + "{\"program_name\":\"sshd\",\"hostname\":\"db1\"},\"decoder\":{\"parent\":\"sshd\",\"name\":\"sshd\"},\"data\":"
            + "{\"srcip\":\"10.0.9.9\",\"srcport\":\"40000\",\"srcuser\":\"oracle\"},\"location\":\"/var/log/auth.log\"}")
            .getBytes(StandardCharsets.UTF_8);

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final AlertNormalizer normalizer = new AlertNormalizer(GeoLookup.none());

    @Benchmark
    public byte[] ossec2x() throws Exception {
        return normalize(OSSEC);
    }

    @Benchmark
    public byte[] wazuh4x() throws Exception {
        return normalize(WAZUH);
    }

    private byte[] normalize(byte[] line) throws MalformedAlertException, com.fasterxml.jackson.core.JsonProcessingException {
        return JSON.writeValueAsBytes(normalizer.normalize(line).document());
    }
}
