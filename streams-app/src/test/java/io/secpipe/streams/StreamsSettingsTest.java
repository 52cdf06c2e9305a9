package io.secpipe.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secpipe.streams.anomaly.AnomalyTopology;
import io.secpipe.streams.ec2.Ec2EnforcerTopology;
import io.secpipe.streams.vpcflow.FlowMinuteTopology;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    private static final Path ROOT = Path.of("..");

    private static Properties props(String... keyValues) {
        Properties props = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    @Test
    void theDefinedKeysAreExactlyTheseAndEachHasADoc() {
        Set<String> defined = new TreeSet<>();
        for (ConfigDef def : StreamsSettings.all()) {
            def.configKeys().values().forEach(key -> {
                assertThat(key.documentation).as(key.name).isNotBlank();
                assertThat(defined.add(key.name)).as(key.name + " defined once").isTrue();
            });
        }
        assertThat(defined).containsExactly(
                "anomaly.detectors", "anomaly.dlq.topic", "anomaly.output.topic",
                "clicks.dlq.topic", "clicks.input.topic", "clicks.minute.grace", "clicks.minute.topic", "clicks.users.topic",
                "cloudtrail.dlq.topic", "cloudtrail.input.topic", "cloudtrail.output.topic", "cloudtrail.pattern",
                "cloudtrail.pattern.file",
                "ec2.enforcer.actuator.enabled", "ec2.enforcer.actuator.endpoint", "ec2.enforcer.allowed.regions",
                "ec2.enforcer.calls.topic", "ec2.enforcer.count.scope", "ec2.enforcer.dlq.topic",
                "ec2.enforcer.inventory.topic", "ec2.enforcer.max.instances", "ec2.enforcer.output.topic",
                "ec2.enforcer.sns.actions", "ec2.enforcer.sns.endpoint", "ec2.enforcer.sns.topic.arn",
                "ec2.enforcer.state.topic", "ec2.enforcer.tag.<field>", "ec2.enforcer.terminated.retention.ms",
                "geoip.asn.database", "geoip.city.database",
                "http.host", "http.port",
                "ossec.dlq.topic", "ossec.input.topic", "ossec.minute.grace.ms", "ossec.minute.topic", "ossec.output.topic",
                "sensor.topic",
                "sgusage.grace", "sgusage.groups.topic", "sgusage.partitions", "sgusage.report.interval",
                "sgusage.report.lookback", "sgusage.topic", "sgusage.window",
                "vpcflow.default.format", "vpcflow.dlq.topic", "vpcflow.eni.index.refresh", "vpcflow.eni.topic",
                "vpcflow.input.topic", "vpcflow.minute.grace", "vpcflow.minute.idle.close", "vpcflow.minute.late.topic",
                "vpcflow.minute.series.topic", "vpcflow.minute.topic", "vpcflow.output.topic");
        assertThat(StreamsSettings.detector("sensor").names()).containsExactlyInAnyOrder(
                "anomaly.sensor.input.topic", "anomaly.sensor.key.fields", "anomaly.sensor.key.prefix",
                "anomaly.sensor.value.fields", "anomaly.sensor.timestamp.field", "anomaly.sensor.bucket",
                "anomaly.sensor.max.series", "anomaly.sensor.cache.size", "anomaly.sensor.trees", "anomaly.sensor.sample.size",
                "anomaly.sensor.shingle.size", "anomaly.sensor.time.decay", "anomaly.sensor.transform",
                "anomaly.sensor.lower.threshold", "anomaly.sensor.seed", "anomaly.sensor.kinesis");
    }

    @Test
    void theConfigsTakeTheirValuesFromTheConfigDef() {
        FlowMinuteTopology.Config minute = FlowMinuteTopology.Config.from(props(
                "vpcflow.minute.grace", " PT5M ", "vpcflow.minute.idle.close", "PT1M", "vpcflow.minute.late.topic", "late.x"));
        assertThat(minute.grace()).isEqualTo(Duration.ofMinutes(5));
        assertThat(minute.idleClose()).isEqualTo(Duration.ofMinutes(1));
        assertThat(minute.lateTopic()).isEqualTo("late.x");
        FlowMinuteTopology.Config defaults = FlowMinuteTopology.Config.from(new Properties());
        assertThat(defaults.grace()).isEqualTo(Duration.ofMinutes(20));
        assertThat(defaults.idleClose()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.seriesTopic()).isEqualTo("vpcflow.minute.series");

        Ec2EnforcerTopology.Config ec2 = Ec2EnforcerTopology.Config.from(props("ec2.enforcer.max.instances", " 3 ",
                "ec2.enforcer.allowed.regions", "eu-west-1, us-east-1", "ec2.enforcer.tag.team", " blue "));
        assertThat(ec2.maxInstances()).isEqualTo(3);
        assertThat(ec2.allowedRegions()).containsExactlyInAnyOrder("eu-west-1", "us-east-1");
        assertThat(ec2.tags()).isEqualTo(Map.of("team", "blue"));
        assertThat(Ec2EnforcerTopology.Config.from(new Properties()).terminatedRetentionMs()).isEqualTo(86_400_000L);

        AnomalyTopology.Config anomaly = AnomalyTopology.Config.from(props("anomaly.sensor.trees", "20",
                "anomaly.sensor.transform", "normalize", "sensor.topic", "raw.s2"));
        var sensor = anomaly.series().stream().filter(s -> s.detector().equals("sensor")).findFirst().orElseThrow();
        assertThat(sensor.inputTopic()).isEqualTo("raw.s2");
        assertThat(sensor.forest().trees()).isEqualTo(20);
        assertThat(sensor.forest().transform().name()).isEqualTo("NORMALIZE");
        assertThat(sensor.forest().sampleSize()).isEqualTo(256);
    }

    @Test
    void aBadValueStopsTheAppNamingTheKey() {
        assertThat(SecpipeStreamsApp.checkSettings(props("ec2.enforcer.max.instances", "ten"))).isEqualTo(
                "Bad setting: Invalid value ten for configuration ec2.enforcer.max.instances: Not a number of type INT");
        assertThat(SecpipeStreamsApp.checkSettings(props("vpcflow.minute.grace", "20m"))).isEqualTo(
                "Bad setting: Invalid value 20m for configuration vpcflow.minute.grace: not an ISO-8601 duration "
                        + "(e.g. PT20M, PT30S, P30D)");
        assertThat(SecpipeStreamsApp.checkSettings(props("ec2.enforcer.count.scope", "global")))
                .startsWith("Bad setting: Invalid value global for configuration ec2.enforcer.count.scope:");
        assertThat(SecpipeStreamsApp.checkSettings(props("http.port", "70000")))
                .startsWith("Bad setting: Invalid value 70000 for configuration http.port:");
        // a custom detector's keys are checked too
        assertThat(SecpipeStreamsApp.checkSettings(props("anomaly.detectors", "sensor,cpu", "anomaly.cpu.trees", "many")))
                .isEqualTo("Bad setting: Invalid value many for configuration anomaly.cpu.trees: Not a number of type INT");
        assertThat(SecpipeStreamsApp.checkSettings(props("anomaly.sensor.bucket", "FIRST")))
                .isEqualTo("Bad setting: Invalid value FIRST for configuration anomaly.sensor.bucket: must be one of [NONE, SUM, LAST]");
        assertThat(SecpipeStreamsApp.checkSettings(props("ec2.enforcer.max.instances", "2"))).isNull();
        // the topology's Config says the same when it is built without the check
        assertThatThrownBy(() -> Ec2EnforcerTopology.Config.from(props("ec2.enforcer.max.instances", "ten")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ec2.enforcer.max.instances");
    }

    @Test
    void anUndefinedKeyUnderAnOwnedPrefixIsNamedAndOthersPass() {
        Properties props = props("vpcflow.minute.gracee", "PT1M", "ec2.enforcer.tag.team", "blue",
                "anomaly.sensor.trees", "10", "anomaly.cpu.trees", "10", "http.prot", "1",
                "bootstrap.servers", "k:9092", "num.stream.threads", "2", "something.else", "x");
        assertThat(StreamsSettings.unknownKeys(props)).containsExactly("anomaly.cpu.trees", "http.prot", "vpcflow.minute.gracee");
        props.setProperty("anomaly.detectors", "sensor,cpu");
        assertThat(StreamsSettings.unknownKeys(props)).containsExactly("http.prot", "vpcflow.minute.gracee");
        assertThat(SecpipeStreamsApp.checkSettings(props)).isNull();
    }

    @Test
    void theEnvironmentStillOverridesAndIsChecked() throws IOException {
        Properties props = SecpipeStreamsApp.settings(null, Map.of("SECPIPE_STREAMS_VPCFLOW_MINUTE_GRACE", "PT7M"));
        assertThat(FlowMinuteTopology.Config.from(props).grace()).isEqualTo(Duration.ofMinutes(7));
        Properties bad = SecpipeStreamsApp.settings(null, Map.of("SECPIPE_STREAMS_SGUSAGE_PARTITIONS", "two"));
        assertThat(SecpipeStreamsApp.checkSettings(bad)).contains("sgusage.partitions");
    }

    @Test
    void everyKeyOfTheShippedSettingsIsDefinedOrKafkas() throws IOException {
        Properties docker = new Properties();
        docker.load(new StringReader(Files.readString(ROOT.resolve("docker/streams.properties"))));
        assertShippedKeys("docker/streams.properties", docker);

        // the local stack writes its settings as "key=" + value string literals
        String source = Files.readString(ROOT.resolve("ops/src/main/java/io/secpipe/ops/local/StreamsProcess.java"));
        Matcher m = Pattern.compile("\"([a-z][a-z0-9.-]*)=").matcher(source);
        Properties local = new Properties();
        while (m.find()) {
            local.setProperty(m.group(1), "");
        }
        assertThat(local.stringPropertyNames()).contains("bootstrap.servers", "http.port", "vpcflow.minute.idle.close",
                "geoip.city.database");
        assertShippedKeys("StreamsProcess", local);
    }

    private static void assertShippedKeys(String where, Properties props) {
        Set<String> defined = new TreeSet<>();
        StreamsSettings.all().forEach(def -> defined.addAll(def.names()));
        Set<String> kafka = StreamsConfig.configDef().names();
        List<String> undefined = new ArrayList<>();
        for (String key : props.stringPropertyNames()) {
            if (!defined.contains(key) && !kafka.contains(key)) {
                undefined.add(key);
            }
        }
        assertThat(undefined).as(where).isEmpty();
    }

    @Test
    void theAppPrintsItsSettingsAndStopsAtABadValue(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        var printed = new java.io.ByteArrayOutputStream();
        var errors = new java.io.ByteArrayOutputStream();
        Path config = dir.resolve("streams.properties");
        Files.writeString(config, "bootstrap.servers=127.0.0.1:1\nec2.enforcer.max.instances=ten\n");
        int help;
        int bad;
        try {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(errors, true, java.nio.charset.StandardCharsets.UTF_8));
            help = new picocli.CommandLine(new SecpipeStreamsApp()).execute("--help-config");
            bad = new picocli.CommandLine(new SecpipeStreamsApp()).execute("--config", config.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(help).isZero();
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(StreamsSettings.help());
        assertThat(bad).isEqualTo(2);
        assertThat(errors.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
                "Bad setting: Invalid value ten for configuration ec2.enforcer.max.instances: Not a number of type INT"
                        + System.lineSeparator());
    }

    /** docs/streams-settings.md is what --help-config prints; -Dsecpipe.docs.write=true rewrites it. */
    @Test
    void theDocumentedListIsGeneratedFromTheConfigDefs() throws IOException {
        Path doc = ROOT.resolve("docs/streams-settings.md");
        String generated = StreamsSettings.help();
        if (Boolean.getBoolean("secpipe.docs.write")) {
            Files.writeString(doc, generated);
        }
        assertThat(Files.readString(doc)).as("docs/streams-settings.md: regenerate with -Dsecpipe.docs.write=true")
                .isEqualTo(generated);
        for (ConfigDef def : StreamsSettings.all()) {
            def.names().forEach(name -> assertThat(generated).contains("| " + name + " |"));
        }
        assertThat(generated).contains("| anomaly.<detector>.trees | int | (unset) |")
                .contains("| vpcflow.minute.grace | string | PT20M | ISO-8601 duration |")
                .contains("| ec2.enforcer.max.instances | int | 1 | [0,...] |");
    }
}
