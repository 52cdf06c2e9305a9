package io.secpipe.connect.sink;

import org.apache.kafka.connect.errors.DataException;

/** Reported with a record the engine rejected or that is no document; its message names the error type, index and reason. */
public class MalformedDocumentException extends DataException {
    public MalformedDocumentException(String message) {
        super(message);
    }
}
