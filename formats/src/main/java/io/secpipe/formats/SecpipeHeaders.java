package io.secpipe.formats;

/**
 * Kafka record header names that travel with a record from the source connector to the sink.
 * The raw value stays untouched (the exact bytes read), so everything we know about it rides here.
 */
public final class SecpipeHeaders {
    /** Deterministic document id; the sink uses it so a replay overwrites instead of duplicating. */
    public static final String ID = "secpipe.id";
    /** Where the record was read: {@code file:/path#line}, {@code s3://bucket/key#line}, ... */
    public static final String SOURCE = "secpipe.source";
    /** The space-separated field list of a flow-log line (from the file's header line or the configured format). */
    public static final String FORMAT = "secpipe.format";

    /**
     * When the record was delivered, as an ISO-8601 instant ({@code 2026-11-01T10:05:00Z}): the S3 object's
     * LastModified, the CloudWatch Logs event's timestamp, or a local file's modification time. Stable across
     * replays of the same object; it is the event time of a record that carries none of its own (a flow-log
     * format without {@code start}/{@code end}).
     */
    public static final String DELIVERY_TIME = "secpipe.delivery.time";

    /** For records read through CloudWatch Logs (the API or a subscription payload): the log group, stream and owner. */
    public static final String LOG_GROUP = "secpipe.cwl.log_group";
    public static final String LOG_STREAM = "secpipe.cwl.log_stream";
    public static final String LOG_OWNER = "secpipe.cwl.owner";

    /** Set on dead-letter records: the class of the error, its message and the stage that rejected the record. */
    public static final String ERROR_CLASS = "secpipe.error.class";
    public static final String ERROR_MESSAGE = "secpipe.error.message";
    public static final String ERROR_STAGE = "secpipe.error.stage";

    private SecpipeHeaders() {
    }
}
