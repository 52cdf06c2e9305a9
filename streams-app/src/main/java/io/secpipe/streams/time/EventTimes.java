package io.secpipe.streams.time;

import java.time.Instant;

/**
 * The event times the topologies accept: from 1970 to the end of year 9999. Kafka refuses negative record
 * timestamps, and a window of a time near Long.MAX_VALUE overflows its end: either would stop a stream thread,
 * so a record claiming such a time is rejected (dead-lettered) by the stage that reads it, never windowed.
 */
public final class EventTimes {

    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private EventTimes() {
    }

    public static boolean accepted(Instant time) {
        return !time.isBefore(EARLIEST) && !time.isAfter(LATEST);
    }

    public static boolean acceptedMillis(long epochMillis) {
        return epochMillis >= 0 && epochMillis <= LATEST.toEpochMilli();
    }

    public static boolean acceptedSeconds(long epochSeconds) {
        return epochSeconds >= 0 && epochSeconds <= LATEST.getEpochSecond();
    }

    /** The reason a rejected time is given, for the dead letter's message. */
    public static String outOfRange(Object time) {
        return "event time " + time + " is outside " + EARLIEST + " .. " + LATEST;
    }
}
