package io.secpipe.streams.vpcflow;

/** A flow-log line that cannot become a document; the message says why, for the dead-letter headers. */
public class FlowLogParseException extends Exception {
    public FlowLogParseException(String message) {
        super(message, null, false, false);
    }
}
