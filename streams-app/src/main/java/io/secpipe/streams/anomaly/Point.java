package io.secpipe.streams.anomaly;

/** One observation of a series: its name, event time and values (one per configured field). */
public record Point(String series, long epochMillis, double[] values) {
}
