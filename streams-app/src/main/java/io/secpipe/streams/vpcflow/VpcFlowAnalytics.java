package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The topologies that read vpcflow.enriched by event time: per-minute windows (event time per resource, see
 * {@link FlowMinuteTopology}) and security-group rule usage (event time per partition). A topic can have only one
 * source in a topology, so they share one stream of it.
 */
public final class VpcFlowAnalytics {

    private VpcFlowAnalytics() {
    }

    public static void addTo(StreamsBuilder builder, Properties props) {
        FlowMinuteTopology.Config minute = FlowMinuteTopology.Config.from(props);
        KStream<String, JsonNode> flows = enrichedFlows(builder, minute.inputTopic());
        FlowMinuteTopology.addTo(builder, flows, minute);
        SgRuleUsageTopology.addTo(builder, flows, SgRuleUsageTopology.Config.from(props));
    }

    /** The documents of vpcflow.enriched with their {@code @timestamp} as record time. */
    static KStream<String, JsonNode> enrichedFlows(StreamsBuilder builder, String topic) {
        return builder.stream(topic, Consumed.with(Serdes.String(), JsonSerde.serde())
                        .withTimestampExtractor(new DocumentTimestampExtractor()).withName("vpcflow-enriched-source"))
                .filter((key, doc) -> doc != null && doc.isObject(), Named.as("vpcflow-enriched-documents"));
    }
}
