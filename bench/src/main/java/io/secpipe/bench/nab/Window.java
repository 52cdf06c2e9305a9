package io.secpipe.bench.nab;

/** A labelled anomaly window of one series, as the row indices of its first and last rows (both inside). */
public record Window(int first, int last) {

    public Window {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("a window spans rows first <= last, not " + first + ".." + last);
        }
    }

    public int length() {
        return last - first + 1;
    }

    public boolean contains(int row) {
        return row >= first && row <= last;
    }
}
