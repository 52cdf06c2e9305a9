package io.secpipe.streams.vpcflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import io.secpipe.streams.deadletter.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * raw.vpcflow → vpcflow.enriched: each flow-log line parsed by the field list it carries (its
 * {@code secpipe.format} header) or the configured default; a line that does not parse goes,
 * raw and with the reason in its headers, to dlq.vpcflow.
 */
public final class FlowLogTopology {

    /** Topic names and the default field list: all configurable, these are the defaults. */
    public record Config(String inputTopic, String outputTopic, String deadLetterTopic, List<String> defaultFormat) {
        public static Config from(Properties props) {
            return new Config(
                    props.getProperty("vpcflow.input.topic", "raw.vpcflow"),
                    props.getProperty("vpcflow.output.topic", "vpcflow.enriched"),
                    props.getProperty("vpcflow.dlq.topic", "dlq.vpcflow"),
                    FlowLogFormat.tokens(props.getProperty("vpcflow.default.format", FlowLogFormat.DEFAULT_V2_STRING)));
        }
    }

    /** A parsed document, or the raw line that failed (its headers then say why). */
    record Parsed(byte[] document, byte[] raw) {
        boolean ok() {
            return document != null;
        }
    }

    private FlowLogTopology() {
    }

    public static void addTo(StreamsBuilder builder, Config config) {
        builder.stream(config.inputTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("vpcflow-raw"))
                .processValues(() -> new ParseProcessor(config.defaultFormat()), Named.as("vpcflow-parse"))
                .split(Named.as("vpcflow-"))
                .branch((key, parsed) -> parsed.ok(), Branched.withConsumer(documents -> documents
                        .mapValues(Parsed::document, Named.as("vpcflow-document"))
                        .to(config.outputTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "parsed"))
                .defaultBranch(Branched.withConsumer(rejects -> rejects
                        .mapValues(Parsed::raw, Named.as("vpcflow-raw-line"))
                        .to(config.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "dead-letter"));
    }

    static final class ParseProcessor implements FixedKeyProcessor<String, byte[], Parsed> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final int FORMAT_CACHE_SIZE = 64;

        private final List<String> defaultFormat;
        /** Split field lists by their header text: a file's lines all carry the same one. */
        private final Map<String, List<String>> formats = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > FORMAT_CACHE_SIZE;
            }
        };
        private FixedKeyProcessorContext<String, Parsed> context;
        private DeadLetter deadLetter;

        ParseProcessor(List<String> defaultFormat) {
            this.defaultFormat = defaultFormat;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Parsed> context) {
            this.context = context;
            this.deadLetter = new DeadLetter(context, "vpcflow-parse");
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            byte[] raw = record.value();
            try {
                if (raw == null) {
                    throw new FlowLogParseException("the record has no value");
                }
                String line = new String(raw, StandardCharsets.UTF_8);
                byte[] document = JSON.writeValueAsBytes(FlowLogParser.parse(line, format(record)));
                context.forward(record.withValue(new Parsed(document, null)));
            } catch (Exception e) {
                // Anything a line can make the parser throw is that line's fault, not the app's: dead-letter it.
                deadLetter.mark(record.headers(), e);
                context.forward(record.withValue(new Parsed(null, raw)));
            }
        }

        private List<String> format(FixedKeyRecord<String, byte[]> record) {
            Header header = record.headers().lastHeader(SecpipeHeaders.FORMAT);
            if (header == null) {
                return defaultFormat;
            }
            return formats.computeIfAbsent(new String(header.value(), StandardCharsets.UTF_8), FlowLogFormat::tokens);
        }
    }
}
