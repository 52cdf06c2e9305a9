package io.secpipe.streams.anomaly;

import com.amazon.randomcutforest.config.TransformMethod;
import java.util.Locale;
import java.util.Properties;

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
        long seed = Long.parseLong(props.getProperty(prefix + "seed", Long.toString(base.seed())));
        if (Boolean.parseBoolean(props.getProperty(prefix + "kinesis", Boolean.toString(base.kinesis())))) {
            return kinesis(base.fields(), seed);
        }
        return new ForestSettings(base.fields(),
                Integer.parseInt(props.getProperty(prefix + "trees", Integer.toString(base.trees()))),
                Integer.parseInt(props.getProperty(prefix + "sample.size", Integer.toString(base.sampleSize()))),
                Integer.parseInt(props.getProperty(prefix + "shingle.size", Integer.toString(base.shingleSize()))),
                Double.parseDouble(props.getProperty(prefix + "time.decay", Double.toString(base.timeDecay()))),
                TransformMethod.valueOf(props.getProperty(prefix + "transform", base.transform().name()).toUpperCase(Locale.ROOT)),
                Double.parseDouble(props.getProperty(prefix + "lower.threshold", Double.toString(base.lowerThreshold()))),
                seed, false);
    }

    public ForestSettings withFields(int n) {
        return new ForestSettings(n, trees, sampleSize, shingleSize, timeDecay, transform, lowerThreshold, seed, kinesis);
    }

    /** The same forest for points of single independent draws, e.g. a sensor's readings. */
    public ForestSettings forSpikes(int shingle, TransformMethod method, double floor) {
        return new ForestSettings(fields, trees, sampleSize, shingle, timeDecay, method, floor, seed, kinesis);
    }
}
