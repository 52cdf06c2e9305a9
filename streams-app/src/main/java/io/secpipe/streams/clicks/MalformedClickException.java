package io.secpipe.streams.clicks;

/** A clickstream record that cannot be counted; its message is the dead letter's reason. */
public final class MalformedClickException extends Exception {

    public MalformedClickException(String message) {
        super(message);
    }

    public MalformedClickException(String message, Throwable cause) {
        super(message, cause);
    }
}
