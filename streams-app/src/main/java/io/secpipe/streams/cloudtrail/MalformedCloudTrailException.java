package io.secpipe.streams.cloudtrail;

/** A record that is neither a usable CloudTrail record nor an EventBridge envelope of one; the message says why. */
public final class MalformedCloudTrailException extends Exception {
    public MalformedCloudTrailException(String message) {
        super(message);
    }
}
