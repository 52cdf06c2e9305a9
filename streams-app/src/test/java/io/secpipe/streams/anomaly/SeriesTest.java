package io.secpipe.streams.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A series' bytes in the store: the pending point keeps which clock dated it, and stores of format 1 still read. */
class SeriesTest {

    private static Series series(Point pending) {
        Series s = new Series("s-1", AnomalyScorer.create(ForestSettings.defaults(1)));
        s.lastMillis = 1_000;
        s.updateSequence = 7;
        s.pending = pending;
        return s;
    }

    @Test
    void thePendingPointKeepsItsClock() {
        Series read = Series.fromBytes("s-1", series(new Point("s-1", 2_000, new double[] {4.5}, true)).toBytes(), 1);
        assertThat(read.pending.recordTime()).isTrue();
        assertThat(read.pending.epochMillis()).isEqualTo(2_000);
        assertThat(read.pending.values()).containsExactly(4.5);
        assertThat(read.lastMillis).isEqualTo(1_000);
        assertThat(read.updateSequence).isEqualTo(7);
        assertThat(Series.fromBytes("s-1", series(new Point("s-1", 2_000, new double[] {4.5})).toBytes(), 1).pending.recordTime())
                .isFalse();
    }

    @Test
    void aStoreWrittenInFormat1IsStillRead() throws IOException {
        byte[] scorer = series(null).scorer.toBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(1);
        data.writeLong(1_000);
        data.writeLong(7);
        data.writeBoolean(true);
        data.writeLong(2_000);
        data.writeInt(1);
        data.writeDouble(4.5);
        data.writeInt(scorer.length);
        data.write(scorer);
        Series read = Series.fromBytes("s-1", out.toByteArray(), 1);
        assertThat(read.pending.epochMillis()).isEqualTo(2_000);
        assertThat(read.pending.values()).containsExactly(4.5);
        assertThat(read.pending.recordTime()).isFalse();
        assertThat(read.lastMillis).isEqualTo(1_000);
    }
}
