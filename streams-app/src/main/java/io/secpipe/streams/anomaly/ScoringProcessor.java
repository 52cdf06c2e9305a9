package io.secpipe.streams.anomaly;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores each record of a family of series with that series' own forest, in event time, and forwards an
 * anomaly document per point; a record that cannot be a point goes on raw, its headers saying why. The forest
 * is written back to the store after every point, so a restarted task goes on exactly where this one stopped.
 */
final class ScoringProcessor implements Processor<String, byte[], String, ScoringProcessor.Outcome> {

    /** A document for the anomalies topic, or the raw bytes of a rejected record. */
    record Outcome(byte[] document, byte[] raw) {
        boolean ok() {
            return document != null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SeriesConfig config;
    private final String storeName;
    private final PointReader reader;
    private final String stage;
    private ProcessorContext<String, Outcome> context;
    private SeriesStore allSeries;
    private Sensor deadLetters;
    private Sensor evictions;

    ScoringProcessor(SeriesConfig config, String storeName) {
        this.config = config;
        this.storeName = storeName;
        this.reader = new PointReader(config);
        this.stage = "anomaly-" + config.detector();
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        KeyValueStore<String, byte[]> store = context.getStateStore(storeName);
        this.allSeries = new SeriesStore(store, config.maxSeries(), config.cacheSize(), config.valueFields().size());
        String entity = stage + "-" + context.taskId();
        this.deadLetters = context.metrics().addRateTotalSensor("secpipe-stage", entity, "dead-letter", Sensor.RecordingLevel.INFO);
        this.evictions = context.metrics().addRateTotalSensor("secpipe-stage", entity, "evicted-series", Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            Point point = reader.read(record.key(), record.value(), record.timestamp());
            if (point != null) {
                add(point);
            }
        } catch (BadPointException e) {
            reject(record, e);
        }
    }

    private void add(Point point) throws BadPointException {
        Series s = allSeries.find(point.series());
        boolean isNew = s == null;
        if (isNew) {
            if (allSeries.makeRoom() != null) {
                evictions.record();
            }
            s = new Series(point.series(), AnomalyScorer.create(config.forest()));
        }
        long last = s.pending != null ? s.pending.epochMillis() : s.lastMillis;
        if (point.epochMillis() < last) {
            throw new BadPointException("out of time order: series " + point.series() + " is at "
                    + Instant.ofEpochMilli(last) + ", this point is at " + Instant.ofEpochMilli(point.epochMillis()));
        }
        if (config.bucket() == SeriesConfig.Bucket.NONE) {
            score(s, point);
        } else if (s.pending == null) {
            s.pending = point;
        } else if (s.pending.epochMillis() == point.epochMillis()) {
            s.pending = config.bucket() == SeriesConfig.Bucket.SUM ? sum(s.pending, point)
                    : new Point(point.series(), point.epochMillis(), point.values(), point.recordTime() || s.pending.recordTime());
        } else {
            // a later event time closes the open bucket: score it, open the next
            Point closed = s.pending;
            s.pending = point;
            score(s, closed);
        }
        allSeries.save(s, isNew);
    }

    private static Point sum(Point a, Point b) {
        double[] values = a.values().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] += b.values()[i];
        }
        return new Point(a.series(), a.epochMillis(), values, a.recordTime() || b.recordTime());
    }

    private void score(Series s, Point point) {
        Score score = s.scorer.score(point.values(), point.epochMillis());
        s.scorerBytes = null; // the forest learnt the point: serialize it anew
        s.lastMillis = point.epochMillis();
        Instant at = Instant.ofEpochMilli(point.epochMillis());
        String id = config.detector() + "|" + point.series() + "@" + at;
        Record<String, Outcome> out = new Record<>(id, new Outcome(document(point, at, score), null), point.epochMillis());
        out.headers().add(SecpipeHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        context.forward(out);
    }

    private byte[] document(Point point, Instant at, Score score) {
        List<String> fields = config.valueFields();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", at.toString());
        doc.put("detector", config.detector());
        doc.put("key", point.series());
        ArrayNode names = doc.putArray("fields");
        fields.forEach(names::add);
        ArrayNode values = doc.putArray("values");
        for (double v : point.values()) {
            values.add(v);
        }
        doc.put("value", point.values()[0]);
        doc.put("score", score.score());
        doc.put("grade", score.grade());
        doc.put("anomaly", score.anomaly());
        doc.put("anomaly_start", score.anomalyStart());
        if (score.expected() != null) {
            ArrayNode expected = doc.putArray("expected_values");
            for (double v : score.expected()) {
                expected.add(v);
            }
        }
        if (score.attribution() != null) {
            ObjectNode attribution = doc.putObject("attribution");
            for (int i = 0; i < fields.size(); i++) {
                attribution.put(fields.get(i), score.attribution()[i]);
            }
        }
        if (point.recordTime()) {
            // the reading had no time field: say which clock dated it
            doc.putObject("event").put("time_source", "record");
        }
        if (config.forest().kinesis()) {
            kinesisColumns(doc, point, at, score);
        }
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of numbers and strings always writes
        }
    }

    /**
     * The columns of the Kinesis Data Analytics example's output stream: the input's own key and value fields under
     * their names ({@code iotName}, {@code iotValue}), {@code ANOMALY_SCORE}, and {@code created}, the row's time
     * (ROWTIME there; here the point's time, which is the record's when the reading has no time field). A name that
     * is already a field of the document is left as it is.
     */
    private void kinesisColumns(ObjectNode doc, Point point, Instant at, Score score) {
        List<String> keyFields = config.keyFields();
        String[] keys = keyFields.isEmpty() ? new String[0] : point.series().split("\\|", keyFields.size());
        for (int i = 0; i < keyFields.size() && i < keys.length; i++) {
            if (!doc.has(keyFields.get(i))) {
                doc.put(keyFields.get(i), keys[i]);
            }
        }
        List<String> fields = config.valueFields();
        for (int i = 0; i < fields.size(); i++) {
            double v = point.values()[i];
            if (!doc.has(fields.get(i))) {
                // whole numbers stay whole, as the seed's integer column
                if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
                    doc.put(fields.get(i), (long) v);
                } else {
                    doc.put(fields.get(i), v);
                }
            }
        }
        doc.put("ANOMALY_SCORE", score.score());
        if (!doc.has("created")) {
            doc.put("created", at.toString());
        }
    }

    private void reject(Record<String, byte[]> record, BadPointException error) {
        Headers headers = record.headers();
        headers.remove(SecpipeHeaders.ERROR_CLASS).remove(SecpipeHeaders.ERROR_MESSAGE).remove(SecpipeHeaders.ERROR_STAGE);
        headers.add(SecpipeHeaders.ERROR_CLASS, utf8(error.getClass().getName()));
        headers.add(SecpipeHeaders.ERROR_MESSAGE, utf8(error.getMessage()));
        headers.add(SecpipeHeaders.ERROR_STAGE, utf8(stage));
        if (headers.lastHeader(SecpipeHeaders.SOURCE) == null) {
            context.recordMetadata().map(ScoringProcessor::position)
                    .ifPresent(position -> headers.add(SecpipeHeaders.SOURCE, utf8(position)));
        }
        deadLetters.record();
        context.forward(record.withValue(new Outcome(null, record.value() == null ? new byte[0] : record.value())));
    }

    private static String position(RecordMetadata m) {
        return "kafka:" + m.topic() + "/" + m.partition() + "#" + m.offset();
    }

    private static byte[] utf8(String s) {
        return String.valueOf(s).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        allSeries.clearCache();
    }
}
