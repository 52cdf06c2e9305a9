package io.secpipe.streams.ossec;

/** An alert that cannot become a document; the message is the reason the dead-letter record carries. */
public final class MalformedAlertException extends Exception {
    public MalformedAlertException(String message) {
        super(message);
    }
}
