package io.secpipe.ops.local;

/** A local-stack failure, worded for the user: which component, what happened, which log to read. */
public class StackException extends Exception {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
