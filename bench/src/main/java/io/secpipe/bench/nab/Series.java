package io.secpipe.bench.nab;

import java.util.List;

/**
 * One NAB data file: its name relative to {@code data/} (e.g. {@code realKnownCause/nyc_taxi.csv}), its rows in file
 * order (NAB scores by row index, and a few files repeat or reorder timestamps: the order is kept as it is) and its
 * anomaly windows in time order.
 */
public record Series(String name, long[] epochMillis, double[] values, List<Window> windows) {

    /** NAB ignores detections in the first 15% of a file's rows, at most 750 rows (15% of 5000). */
    static final double PROBATION_FRACTION = 0.15;
    static final int PROBATION_CAP = 750;

    public Series {
        if (epochMillis.length != values.length) {
            throw new IllegalArgumentException(name + ": " + epochMillis.length + " timestamps but " + values.length + " values");
        }
        windows = List.copyOf(windows);
        for (int i = 0; i < windows.size(); i++) {
            Window window = windows.get(i);
            if (window.last() >= epochMillis.length || (i > 0 && window.first() <= windows.get(i - 1).last())) {
                throw new IllegalArgumentException(name + ": windows must lie in the file's " + epochMillis.length
                        + " rows, in order, without overlap: " + windows);
            }
        }
    }

    public int rows() {
        return values.length;
    }

    /** The number of leading rows whose detections NAB ignores. */
    public int probationRows() {
        return Math.min((int) Math.floor(PROBATION_FRACTION * rows()), PROBATION_CAP);
    }
}
