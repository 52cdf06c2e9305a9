package io.secpipe.streams.anomaly;

/**
 * One observation of a series: its name, time and values (one per configured field). {@code recordTime}: the
 * reading had no time field and the time is the Kafka record's (as Kinesis Data Analytics used ROWTIME).
 */
public record Point(String series, long epochMillis, double[] values, boolean recordTime) {

    public Point(String series, long epochMillis, double[] values) {
        this(series, epochMillis, values, false);
    }
}
