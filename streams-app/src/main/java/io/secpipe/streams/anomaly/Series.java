package io.secpipe.streams.anomaly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A series' whole state: its scorer, the event time of its last point, the point still being summed (when
 * records are bucketed by event time) and its place in the least-recently-updated order. Written to the
 * store after every change, so the store alone can bring it back.
 */
final class Series {

    /** 2 adds whether the pending point has the record's time; 1 (without it) is still read. */
    private static final int FORMAT = 2;

    final String name;
    AnomalyScorer scorer;
    /** The scorer as last written: kept so a change to the pending point alone does not serialize the forest. */
    byte[] scorerBytes;
    long lastMillis = Long.MIN_VALUE;
    /** The bucket not yet scored (null when records are not bucketed or none is open). */
    Point pending;
    long updateSequence;

    Series(String name, AnomalyScorer scorer) {
        this.name = name;
        this.scorer = scorer;
    }

    byte[] toBytes() {
        if (scorerBytes == null) {
            scorerBytes = scorer.toBytes();
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(scorerBytes.length + 64);
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(FORMAT);
            data.writeLong(lastMillis);
            data.writeLong(updateSequence);
            data.writeBoolean(pending != null);
            if (pending != null) {
                data.writeLong(pending.epochMillis());
                data.writeInt(pending.values().length);
                for (double v : pending.values()) {
                    data.writeDouble(v);
                }
                data.writeBoolean(pending.recordTime());
            }
            data.writeInt(scorerBytes.length);
            data.write(scorerBytes);
            data.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    static Series fromBytes(String name, byte[] bytes, int fields) {
        try {
            DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes));
            int format = data.readInt();
            if (format != FORMAT && format != 1) {
                throw new IllegalStateException("series " + name + ": stored in format " + format + ", this version reads " + FORMAT);
            }
            long lastMillis = data.readLong();
            long sequence = data.readLong();
            Point pending = null;
            if (data.readBoolean()) {
                long at = data.readLong();
                double[] values = new double[data.readInt()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = data.readDouble();
                }
                pending = new Point(name, at, values, format >= 2 && data.readBoolean());
            }
            byte[] scorerBytes = data.readNBytes(data.readInt());
            Series series = new Series(name, AnomalyScorer.fromBytes(scorerBytes, fields));
            series.scorerBytes = scorerBytes;
            series.lastMillis = lastMillis;
            series.updateSequence = sequence;
            series.pending = pending;
            return series;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
