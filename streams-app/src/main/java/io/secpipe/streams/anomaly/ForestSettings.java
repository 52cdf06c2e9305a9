package io.secpipe.streams.anomaly;

import com.amazon.randomcutforest.config.TransformMethod;
import io.secpipe.streams.StreamsSettings;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;

/**
 * How a forest is built. {@code timeDecay} is counted in records, as Kinesis Data Analytics'
 * RANDOM_CUT_FOREST took it (the forest's decay rate is its inverse): about how many recent points weigh most.
 *
 * @param fields         number of numeric input fields per point
 * @param lowerThreshold no point whose RCF score is below it is an anomaly, whatever the adaptive threshold says
 *                       (0: the library's own floor)
 * @param kinesis        true: the documents also carry {@code ANOMALY_SCORE}, the RCF score, as the SQL function did
 */
public record ForestSettings(int fields, int trees, int sampleSize, int shingleSize, double timeDecay,
                             TransformMethod transform, double lowerThreshold, long seed, boolean kinesis) {

    public ForestSettings {
        if (fields < 1 || trees < 1 || sampleSize < 2 || shingleSize < 1 || timeDecay <= 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("forest settings out of range: " + fields + " fields, " + trees
                    + " trees, sample size " + sampleSize + ", shingle " + shingleSize + ", time decay " + timeDecay);
        }
    }

    /** What Kinesis Data Analytics' RANDOM_CUT_FOREST used: 100 trees, 256 samples, time decay 100000, shingle 1. */
    public static ForestSettings kinesis(int fields, long seed) {
        return new ForestSettings(fields, 100, 256, 1, 100_000, TransformMethod.NONE, 0, seed, true);
    }

    /**
     * secpipe's defaults for one field: 50 trees of 256 points, a shingle of 1 and no transform, which scored best
     * on the NAB subset at this sample size (standard 53.6, against 28.3 with a shingle of 4 and normalization;
     * bench's rcf-tuning detector measures others). A larger sample scores better still (1024: 59.2; both on the
     * raw score, without the bench's echo filter) but makes every state write four times dearer; {@code sample.size}
     * sets it per family.
     */
    public static ForestSettings defaults(int fields) {
        return new ForestSettings(fields, 50, 256, 1, 2560, TransformMethod.NONE, 0, 42, false);
    }

    public ForestSettings withSampleSize(int size) {
        return new ForestSettings(fields, trees, size, shingleSize, timeDecay, transform, lowerThreshold, seed, kinesis);
    }

    /**
     * {@code <prefix>kinesis=true} gives {@link #kinesis}; otherwise {@code <prefix>trees}, {@code sample.size},
     * {@code shingle.size}, {@code time.decay}, {@code transform} (a TransformMethod name), {@code lower.threshold}, {@code seed}
     * override {@code base}.
     */
    public static ForestSettings from(Properties props, String prefix, ForestSettings base) {
        AbstractConfig c = StreamsSettings.parse(props, StreamsSettings.forest(prefix));
        long seed = or(c.getLong(prefix + "seed"), base.seed());
        if (or(c.getBoolean(prefix + "kinesis"), base.kinesis())) {
            return kinesis(base.fields(), seed);
        }
        String transform = c.getString(prefix + "transform");
        return new ForestSettings(base.fields(),
                or(c.getInt(prefix + "trees"), base.trees()),
                or(c.getInt(prefix + "sample.size"), base.sampleSize()),
                or(c.getInt(prefix + "shingle.size"), base.shingleSize()),
                or(c.getDouble(prefix + "time.decay"), base.timeDecay()),
                transform == null ? base.transform() : TransformMethod.valueOf(transform.toUpperCase(Locale.ROOT)),
                or(c.getDouble(prefix + "lower.threshold"), base.lowerThreshold()),
                seed, false);
    }

    /** The setting, or the default when it is unset. */
    static <T> T or(T setting, T fallback) {
        return setting == null ? fallback : setting;
    }

    public ForestSettings withFields(int n) {
        return new ForestSettings(n, trees, sampleSize, shingleSize, timeDecay, transform, lowerThreshold, seed, kinesis);
    }

    /** The same forest for points of single independent draws, e.g. a sensor's readings. */
    public ForestSettings forSpikes(int shingle, TransformMethod method, double floor) {
        return new ForestSettings(fields, trees, sampleSize, shingle, timeDecay, method, floor, seed, kinesis);
    }
}
