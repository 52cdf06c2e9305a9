package io.secpipe.streams.vpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** The app's whole vpcflow chain in one topology, as SecpipeStreamsApp builds it: raw line to window and rule hit. */
class VpcFlowAnalyticsTest {

    @Test
    void aRawLineReachesTheEnrichedMinuteAndRuleUsageTopics() throws Exception {
        Properties props = new Properties();
        props.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.setProperty("vpcflow.minute.grace", "PT0S");
        props.setProperty("sgusage.window", "PT1M");
        props.setProperty("sgusage.grace", "PT0S");
        props.setProperty("sgusage.partitions", "1");
        StreamsBuilder builder = new StreamsBuilder();
        FlowLogTopology.addTo(builder, FlowLogTopology.Config.from(props));
        VpcFlowAnalytics.addTo(builder, props);
        Topology topology = builder.build(props);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, Instant.parse("2023-11-14T22:20:00Z"))) {
            TestInputTopic<String, String> raw = driver.createInputTopic("raw.vpcflow", Serdes.String().serializer(), Serdes.String().serializer());
            driver.createInputTopic("ref.eni", Serdes.String().serializer(), Serdes.String().serializer())
                    .pipeInput("eni-0a1b2c3d4e5f60001", Files.readString(Path.of("src/test/resources/vpcflow/eni-web.json")));
            driver.createInputTopic("ref.security-groups", Serdes.String().serializer(), Serdes.String().serializer())
                    .pipeInput("sg-0f00000000000000a", Files.readString(Path.of("src/test/resources/vpcflow/sg-web-public.json")));
            TestOutputTopic<String, String> minute = driver.createOutputTopic("vpcflow.minute", Serdes.String().deserializer(), Serdes.String().deserializer());
            TestOutputTopic<String, String> usage = driver.createOutputTopic("sg.rule-usage", Serdes.String().deserializer(), Serdes.String().deserializer());

            raw.pipeInput("eni-0a1b2c3d4e5f60001", "2 111122223333 eni-0a1b2c3d4e5f60001 81.2.69.142 10.20.1.10 51234 443 6 10 840 1700000000 1700000060 ACCEPT OK");
            raw.pipeInput("eni-0a1b2c3d4e5f60001", "2 111122223333 eni-0a1b2c3d4e5f60001 81.2.69.142 10.20.1.10 51234 443 6 1 40 1700000100 1700000160 ACCEPT OK");

            assertThat(minute.readKeyValuesToList()).extracting(kv -> kv.key)
                    .containsExactly("eni-0a1b2c3d4e5f60001|ACCEPT|inbound|443|6|2023-11-14T22:13:00Z");
            assertThat(usage.readKeyValuesToList()).extracting(kv -> kv.key)
                    .containsExactly("sg-0f00000000000000a/tcp/443-443/0.0.0.0/0|2023-11-14T22:13:00Z");
        }
    }
}
