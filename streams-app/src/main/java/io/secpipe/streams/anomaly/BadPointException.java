package io.secpipe.streams.anomaly;

/** A record that cannot be a point of its series: not JSON, a field missing or not a number, out of time order. */
public final class BadPointException extends Exception {

    public BadPointException(String message) {
        super(message);
    }

    public BadPointException(String message, Throwable cause) {
        super(message, cause);
    }
}
