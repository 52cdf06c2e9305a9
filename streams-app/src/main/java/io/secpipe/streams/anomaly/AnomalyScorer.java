package io.secpipe.streams.anomaly;

import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestState;
import io.protostuff.LinkedBuffer;
import io.protostuff.ProtostuffIOUtil;
import io.protostuff.Schema;
import io.protostuff.runtime.RuntimeSchema;

/**
 * One series' Random Cut Forest with its thresholder ({@link ThresholdedRandomCutForest}), scoring points
 * in time order. Its whole state goes to bytes and back through the library's own mapper, so a scorer
 * read back scores the next points exactly as the one that was written would have.
 */
public final class AnomalyScorer {

    private static final Schema<ThresholdedRandomCutForestState> SCHEMA =
            RuntimeSchema.getSchema(ThresholdedRandomCutForestState.class);

    private final ThresholdedRandomCutForest forest;
    private final int fields;

    private AnomalyScorer(ThresholdedRandomCutForest forest, int fields) {
        this.forest = forest;
        this.fields = fields;
    }

    public static AnomalyScorer create(ForestSettings settings) {
        ThresholdedRandomCutForest forest = ThresholdedRandomCutForest.builder()
                .dimensions(settings.fields() * settings.shingleSize())
                .shingleSize(settings.shingleSize())
                .internalShinglingEnabled(true)
                .numberOfTrees(settings.trees())
                .sampleSize(settings.sampleSize())
                .timeDecay(1.0 / settings.timeDecay())
                .transformMethod(settings.transform())
                .randomSeed(settings.seed())
                .build();
        if (settings.lowerThreshold() > 0) {
            forest.setLowerThreshold(settings.lowerThreshold());
        }
        return new AnomalyScorer(forest, settings.fields());
    }

    /** Scores {@code values} (one per field) at {@code epochMillis}, then learns them. */
    public Score score(double[] values, long epochMillis) {
        if (values.length != fields) {
            throw new IllegalArgumentException("expected " + fields + " values, got " + values.length);
        }
        AnomalyDescriptor d = forest.process(values, epochMillis);
        boolean anomaly = d.getAnomalyGrade() > 0;
        double[] expected = anomaly && d.isExpectedValuesPresent() ? d.getExpectedValuesList()[0].clone() : null;
        double[] attribution = anomaly && d.getRelevantAttribution() != null ? d.getRelevantAttribution().clone() : null;
        return new Score(d.getRCFScore(), d.getAnomalyGrade(), anomaly && d.isStartOfAnomaly(), expected, attribution);
    }

    public byte[] toBytes() {
        ThresholdedRandomCutForestState state = new ThresholdedRandomCutForestMapper().toState(forest);
        return ProtostuffIOUtil.toByteArray(state, SCHEMA, LinkedBuffer.allocate(4096));
    }

    public static AnomalyScorer fromBytes(byte[] bytes, int fields) {
        ThresholdedRandomCutForestState state = SCHEMA.newMessage();
        ProtostuffIOUtil.mergeFrom(bytes, state, SCHEMA);
        return new AnomalyScorer(new ThresholdedRandomCutForestMapper().toModel(state), fields);
    }
}
