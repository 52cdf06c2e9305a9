package io.secpipe.streams.anomaly;

import io.secpipe.streams.StreamsSettings;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * One family of series to score: where its points come from and how a JSON value becomes a point.
 *
 * @param detector       the family's name, the documents' {@code detector} (e.g. {@code sensor})
 * @param keyFields      value fields whose values, joined by {@code |}, name the series; empty: the record key
 * @param keyPrefix      only series whose name starts with it are scored (others are skipped, not rejected)
 * @param valueFields    the numeric fields of a point, in order
 * @param timestampField the event time: ISO-8601 text or epoch milliseconds
 * @param bucket         how records of one series with the same event time make one point
 * @param maxSeries      the most series (forests) kept; a new one beyond evicts the least recently updated
 * @param cacheSize      how many forests stay deserialized in memory (the store holds all)
 */
public record SeriesConfig(String detector, String inputTopic, List<String> keyFields, String keyPrefix,
                           List<String> valueFields, String timestampField, Bucket bucket, int maxSeries,
                           int cacheSize, ForestSettings forest) {

    /** Records with the same event time for a series: each a point, or one point of their sum, or of the last. */
    public enum Bucket {
        /** every record is a point */
        NONE,
        /** per event time, the values summed (e.g. bytes of every flow aggregate of an interface) */
        SUM,
        /** per event time, the last record's values (e.g. a running count updated as alerts come) */
        LAST
    }

    public SeriesConfig {
        keyFields = List.copyOf(keyFields);
        valueFields = List.copyOf(valueFields);
        if (valueFields.isEmpty() || forest.fields() != valueFields.size() || maxSeries < 1 || cacheSize < 1) {
            throw new IllegalArgumentException("series " + detector + ": " + valueFields.size() + " value fields, forest for "
                    + forest.fields() + ", max series " + maxSeries + ", cache " + cacheSize);
        }
    }

    /** The settings under {@code anomaly.<detector>.}, each defaulting to {@code defaults}' value. */
    public static SeriesConfig from(Properties props, SeriesConfig defaults) {
        String p = "anomaly." + defaults.detector() + ".";
        AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.detector(defaults.detector()));
        List<String> values = list(c.getList(p + "value.fields"), defaults.valueFields());
        ForestSettings base = defaults.forest().withFields(values.size());
        String bucket = c.getString(p + "bucket");
        return new SeriesConfig(defaults.detector(),
                ForestSettings.or(c.getString(p + "input.topic"), defaults.inputTopic()),
                list(c.getList(p + "key.fields"), defaults.keyFields()),
                ForestSettings.or(c.getString(p + "key.prefix"), defaults.keyPrefix()),
                values,
                ForestSettings.or(c.getString(p + "timestamp.field"), defaults.timestampField()),
                bucket == null ? defaults.bucket() : Bucket.valueOf(bucket),
                ForestSettings.or(c.getInt(p + "max.series"), defaults.maxSeries()),
                ForestSettings.or(c.getInt(p + "cache.size"), defaults.cacheSize()),
                ForestSettings.from(props, p, base));
    }

    private static List<String> list(List<String> setting, List<String> fallback) {
        if (setting == null) {
            return fallback;
        }
        return setting.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
