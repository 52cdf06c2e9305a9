package io.secpipe.streams.anomaly;

import com.amazon.randomcutforest.config.TransformMethod;
import io.secpipe.streams.StreamsSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Random Cut Forest scores for every configured family of series (by default {@code vpcflow-bytes}: bytes per
 * interface per minute from vpcflow.minute.series, each minute once it is final; {@code ossec-alerts}: alerts per rule per minute from ossec.minute;
 * {@code sensor}: the demo's raw.sensor readings) → anomalies, one document per point; records that cannot be
 * points → dlq.anomalies, raw, with the reason in their headers.
 *
 * <p>Each family has one persistent, changelogged store of its forests ({@code anomaly-<detector>-forests}).
 * The store is cached: a series updated several times between two commits reaches the changelog once.
 * Writing a forest cost about 8 ms and 360 kB for 100 trees of 256 points (8 ms and 126 kB for 30 trees; measured once,
 * not by bench), paid on every point, so one stream thread scores some 100 points a second: plenty for per-minute series
 * and the demo, and the price of a restart that scores exactly as if it had never stopped.
 */
public final class AnomalyTopology {

    public record Config(List<SeriesConfig> series, String outputTopic, String deadLetterTopic) {

        /** {@code anomaly.detectors} (comma-separated) picks the families; each reads its own settings. */
        public static Config from(Properties props) {
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.anomaly(), StreamsSettings.vpcflow(),
                    StreamsSettings.ossec());
            List<SeriesConfig> series = new ArrayList<>();
            for (String detector : c.getList(StreamsSettings.DETECTORS)) {
                String name = detector.trim();
                if (!name.isEmpty()) {
                    series.add(SeriesConfig.from(props, defaults(name, c, props)));
                }
            }
            return new Config(series,
                    c.getString("anomaly.output.topic"),
                    c.getString("anomaly.dlq.topic"));
        }

        private static SeriesConfig defaults(String detector, AbstractConfig c, Properties props) {
            ForestSettings forest = ForestSettings.defaults(1);
            return switch (detector) {
                // one closed minute per record, keyed by the interface (or attachment), each sent once and in order
                // by FlowMinuteTopology: scored as it comes, never summed from partial documents
                case "vpcflow-bytes" -> new SeriesConfig(detector,
                        c.getString("vpcflow.minute.series.topic"),
                        List.of(), "", List.of("bytes"), "@timestamp", SeriesConfig.Bucket.NONE, 10_000, 100, forest);
                case "ossec-alerts" -> new SeriesConfig(detector, c.getString("ossec.minute.topic"),
                        List.of(), "rule:", List.of("count"), "@timestamp", SeriesConfig.Bucket.LAST, 10_000, 100, forest);
                // Readings are independent draws: a spike is one point, which a shingle of one sees best; but then
                // the adaptive threshold also flags the edges of the ordinary range (3% of readings), which a
                // floor of 1.5 on the score removes (the demo's spikes score above 2).
                case "sensor" -> new SeriesConfig(detector, c.getString("sensor.topic"),
                        List.of("sensor_id"), "", List.of("value"), "timestamp", SeriesConfig.Bucket.NONE, 1_000, 100,
                        forest.forSpikes(1, TransformMethod.NONE, 1.5));
                // any other family is described wholly by its anomaly.<detector>.* settings
                default -> customDefaults(detector, props, forest);
            };
        }

        /** A custom family: its input topic and value fields are required, the rest are SeriesConfig's settings. */
        private static SeriesConfig customDefaults(String detector, Properties props, ForestSettings forest) {
            String p = "anomaly." + detector + ".";
            AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.detector(detector));
            String input = c.getString(p + "input.topic");
            List<String> values = c.getList(p + "value.fields") == null ? List.of()
                    : list(String.join(",", c.getList(p + "value.fields")));
            if (input == null || input.isBlank()) {
                throw new IllegalArgumentException("anomaly detector " + detector + " needs " + p + "input.topic");
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("anomaly detector " + detector + " needs " + p + "value.fields");
            }
            return new SeriesConfig(detector, input, List.of(), "", values, "@timestamp", SeriesConfig.Bucket.NONE,
                    1_000, 100, forest.withFields(values.size()));
        }

        private static List<String> list(String s) {
            return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        }
    }

    private AnomalyTopology() {
    }

    public static void addTo(StreamsBuilder builder, Config config) {
        for (SeriesConfig series : config.series()) {
            addTo(builder, series, config);
        }
    }

    private static void addTo(StreamsBuilder builder, SeriesConfig series, Config config) {
        String name = "anomaly-" + series.detector();
        String storeName = storeName(series.detector());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        var outcomes = builder
                .stream(series.inputTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-input"))
                .process(() -> new ScoringProcessor(series, storeName), Named.as(name + "-score"), storeName)
                .split(Named.as(name + "-"))
                .branch((key, outcome) -> outcome.ok(), Branched.as("scored"))
                .defaultBranch(Branched.as("rejected"));
        outcomes.get(name + "-scored")
                .mapValues(ScoringProcessor.Outcome::document, Named.as(name + "-document"))
                .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-output"));
        outcomes.get(name + "-rejected")
                .mapValues(ScoringProcessor.Outcome::raw, Named.as(name + "-raw"))
                .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-dead-letter"));
    }

    public static String storeName(String detector) {
        return "anomaly-" + detector + "-forests";
    }
}
