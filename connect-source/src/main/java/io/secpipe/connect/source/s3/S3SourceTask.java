package io.secpipe.connect.source.s3;

import io.secpipe.formats.PluginVersion;
import io.secpipe.connect.source.aws.AwsClientSettings;
import io.secpipe.connect.source.errors.ErrorRecords;
import io.secpipe.formats.framing.Frame;
import io.secpipe.formats.framing.FrameReader;
import io.secpipe.formats.framing.Framing;
import io.secpipe.connect.source.framing.FramingSettings;
import io.secpipe.connect.source.metrics.SourceTaskMetrics;
import io.secpipe.formats.Decompression;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import java.io.IOException;
import java.io.InputStream;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Reads one object at a time, frame by frame. In listing mode the source partition is the prefix and
 * the offset says which key was being read, up to which position, and whether it was finished; in
 * SQS mode the partition is the object itself. A notification is deleted from the queue only when
 * Kafka has acknowledged the last record of each of its objects.
 */
public class S3SourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(S3SourceTask.class);
    private static final String STAGE = "s3-source";

    /** An object to read: where its offset lives, where to resume, and the notification it came with (SQS mode). */
    private record Work(String bucket, String key, Map<String, String> partition, long resumeAfter, Instant written,
                        Notification notification) {
    }

    /** An SQS message and the objects of it not yet fully acknowledged by Kafka. */
    private static final class Notification {
        final Message message;
        int outstanding;

        Notification(Message message, int objects) {
            this.message = message;
            this.outstanding = objects;
        }
    }

    private S3SourceConfig config;
    private S3Client s3;
    private SqsClient sqs;
    private SqsSettings sqsSettings;
    private Framing framing;
    private SourceTaskMetrics metrics;
    private String errorsTopic;

    // listing mode: per prefix, the key to list after; keys listed but not yet read
    private final Map<String, String> startAfter = new HashMap<>();
    private final Deque<Work> queued = new ArrayDeque<>();
    private int nextPrefix;

    private Work current;
    private FrameReader reader;
    private Frame lookahead;
    private long lastSent;
    /** The current object's LastModified (ISO-8601), sent as secpipe.delivery.time with each of its records. */
    private String deliveryTime;
    private int failures;
    /** Records made while receiving notifications (messages that are no notification), sent with the next batch. */
    private final List<SourceRecord> pendingErrors = new ArrayList<>();
    /** The last record of an object, mapped to its notification, until Kafka acknowledges it. */
    private final Map<SourceRecord, Notification> lastRecords = new IdentityHashMap<>();
    private volatile boolean stopping;

    @Override
    public void start(Map<String, String> props) {
        config = new S3SourceConfig(props);
        AwsClientSettings aws = AwsClientSettings.from(config);
        s3 = aws.configure(S3Client.builder()).forcePathStyle(config.getBoolean(S3SourceConfig.PATH_STYLE)).build();
        sqsSettings = SqsSettings.from(config);
        if (sqsSettings != null) {
            var builder = aws.configure(SqsClient.builder());
            if (sqsSettings.endpointOverride() != null && !sqsSettings.endpointOverride().isBlank()) {
                builder.endpointOverride(java.net.URI.create(sqsSettings.endpointOverride()));
            }
            sqs = builder.build();
        }
        framing = FramingSettings.create(config);
        metrics = new SourceTaskMetrics(context);
        errorsTopic = config.getString(ErrorRecords.ERRORS_TOPIC);
        if (sqs == null) {
            resumeListing();
        }
    }

    /** Where each prefix stopped: an unfinished object is read again from its position, then listing goes on after it. */
    private void resumeListing() {
        List<Map<String, String>> partitions = new ArrayList<>();
        List<String> prefixes = config.prefixes().isEmpty() ? List.of("") : config.prefixes();
        for (String prefix : prefixes) {
            startAfter.put(prefix, "");
            partitions.add(prefixPartition(prefix));
        }
        Map<Map<String, String>, Map<String, Object>> offsets = context.offsetStorageReader().offsets(partitions);
        for (String prefix : prefixes) {
            Map<String, Object> offset = offsets.get(prefixPartition(prefix));
            if (offset == null) {
                continue;
            }
            String key = (String) offset.get("key");
            startAfter.put(prefix, key);
            if (!Boolean.TRUE.equals(offset.get("complete"))) {
                queued.add(new Work(config.bucket(), key, prefixPartition(prefix), ((Number) offset.get("position")).longValue(), null, null));
            }
        }
    }

    private Map<String, String> prefixPartition(String prefix) {
        return Map.of("bucket", config.bucket(), "prefix", prefix);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> batch = new ArrayList<>();
        int batchSize = config.getInt(S3SourceConfig.BATCH_SIZE);
        while (batch.size() < batchSize && !stopping) {
            if (current == null && !openNext()) {
                break;
            }
            readInto(batch, batchSize);
        }
        batch.addAll(pendingErrors);
        pendingErrors.clear();
        if (batch.isEmpty()) {
            if (sqs == null) {
                Thread.sleep(config.getLong(S3SourceConfig.POLL_INTERVAL_MS));
            }
            return null;
        }
        return batch;
    }

    /** Reads frames of the current object; the record of its last frame carries complete=true in its offset. */
    private void readInto(List<SourceRecord> batch, int batchSize) {
        while (batch.size() < batchSize) {
            Frame frame;
            try {
                frame = lookahead != null ? lookahead : reader.next(current.resumeAfter());
            } catch (IOException | SdkException e) {
                brokenObject(batch, e);
                return;
            }
            lookahead = null;
            if (frame == null) {
                finishObject(null);
                return;
            }
            Exception broken = null;
            try {
                lookahead = reader.next(frame.position());
            } catch (IOException | SdkException e) {
                broken = e;
            }
            boolean last = lookahead == null && broken == null;
            SourceRecord record = toRecord(frame, last);
            batch.add(record);
            lastSent = frame.position();
            if (broken != null) {
                brokenObject(batch, broken);
                return;
            }
            if (last) {
                finishObject(record);
                return;
            }
        }
    }

    /** A truncated or unreadable object: say so on the errors topic, mark it finished, and go on with the next one. */
    private void brokenObject(List<SourceRecord> batch, Exception e) {
        String uri = SourcePosition.ofS3Object(current.bucket(), current.key(), lastSent + 1).uri();
        SourceRecord error = ErrorRecords.of(errorsTopic, current.partition(), offset(lastSent, true), uri, new byte[0],
                e.getClass().getName(), "object unreadable after position " + lastSent + ": " + e.getMessage(), STAGE);
        metrics.error(0);
        batch.add(error);
        finishObject(error);
    }

    private SourceRecord toRecord(Frame frame, boolean last) {
        SourcePosition position = SourcePosition.ofS3Object(current.bucket(), current.key(), frame.position());
        Map<String, Object> offset = offset(frame.position(), last);
        if (frame.isError()) {
            metrics.error(frame.value().length);
            return ErrorRecords.of(errorsTopic, current.partition(), offset, position.uri(), frame.value(),
                    frame.errorClass(), frame.error(), STAGE);
        }
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(SecpipeHeaders.ID, frame.headers().getOrDefault(SecpipeHeaders.ID, position.documentId()));
        headers.addString(SecpipeHeaders.SOURCE, position.uri());
        if (deliveryTime != null && !frame.headers().containsKey(SecpipeHeaders.DELIVERY_TIME)) {
            // the object's time, unless the framing knows a finer one (a CloudWatch Logs event's timestamp)
            headers.addString(SecpipeHeaders.DELIVERY_TIME, deliveryTime);
        }
        frame.headers().forEach((name, value) -> {
            if (!name.equals(SecpipeHeaders.ID)) {
                headers.addString(name, value);
            }
        });
        metrics.record(frame.value().length);
        if (current.written() != null) {
            metrics.lag(Instant.now().toEpochMilli() - current.written().toEpochMilli());
        }
        return new SourceRecord(current.partition(), offset, config.getString(S3SourceConfig.TOPIC), null,
                Schema.OPTIONAL_STRING_SCHEMA, frame.key(), Schema.OPTIONAL_BYTES_SCHEMA, frame.value(), null, headers);
    }

    private Map<String, Object> offset(long position, boolean complete) {
        Map<String, Object> offset = new HashMap<>();
        if (sqs == null) {
            offset.put("key", current.key());
        }
        offset.put("position", position);
        offset.put("complete", complete);
        return offset;
    }

    private void finishObject(SourceRecord lastRecord) {
        closeReader();
        Notification notification = current.notification();
        if (notification != null) {
            if (lastRecord == null) {
                objectAcknowledged(notification); // nothing to wait for
            } else {
                synchronized (lastRecords) {
                    lastRecords.put(lastRecord, notification);
                }
            }
        }
        current = null;
    }

    private boolean openNext() {
        while (current == null) {
            Work work = queued.poll();
            if (work == null && !fill()) {
                return false;
            }
            if (work == null) {
                continue;
            }
            try {
                ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> b.bucket(work.bucket()).key(work.key()));
                reader = framing.open(Decompression.open(body));
                current = work;
                // the object's LastModified: when S3 got it, the same on every read of this version of the object
                Instant lastModified = body.response().lastModified();
                deliveryTime = lastModified == null ? null : lastModified.toString();
                lookahead = null;
                lastSent = work.resumeAfter();
                log.info("Reading s3://{}/{} after position {}", work.bucket(), work.key(), work.resumeAfter());
            } catch (IOException | SdkException e) {
                if (e instanceof software.amazon.awssdk.services.s3.model.NoSuchKeyException && work.notification() != null) {
                    log.warn("s3://{}/{} is gone; its notification is dropped", work.bucket(), work.key());
                    objectAcknowledged(work.notification());
                    continue;
                }
                throw new ConnectException("Cannot open s3://" + work.bucket() + "/" + work.key() + ": " + e.getMessage(), e);
            }
        }
        return true;
    }

    /**
     * Queues the next objects to read: the next page of a prefix, or the next notifications. Passing AWS
     * failures (throttling, 5xx, no connection) are waited out with backoff; a refusal that will not
     * pass by itself (no such bucket or queue, access denied) fails the task with AWS's message.
     */
    private boolean fill() {
        try {
            boolean found = sqs == null ? listNextPage() : receiveNotifications();
            failures = 0;
            return found;
        } catch (SdkException e) {
            if (e instanceof AwsServiceException service && !service.isThrottlingException() && service.statusCode() < 500) {
                throw new ConnectException("AWS refused: " + service.getMessage(), e);
            }
            long waitMs = Math.min(60_000L, 500L << Math.min(failures++, 7));
            log.warn("AWS request failed ({}); trying again in {} ms", e.getMessage(), waitMs);
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private boolean listNextPage() {
        List<String> prefixes = new ArrayList<>(startAfter.keySet());
        for (int tried = 0; tried < prefixes.size(); tried++) {
            String prefix = prefixes.get(nextPrefix++ % prefixes.size());
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(config.bucket()).prefix(prefix)
                    .startAfter(startAfter.get(prefix)).maxKeys(1000));
            for (S3Object object : page.contents()) {
                startAfter.put(prefix, object.key());
                if (!object.key().endsWith("/")) {
                    queued.add(new Work(config.bucket(), object.key(), prefixPartition(prefix), 0, object.lastModified(), null));
                }
            }
            if (!queued.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private boolean receiveNotifications() {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(sqsSettings.queueUrl())
                .maxNumberOfMessages(sqsSettings.maxMessages())
                .waitTimeSeconds(sqsSettings.waitTimeSeconds())
                .visibilityTimeout(sqsSettings.visibilityTimeoutSeconds())
                .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
        for (Message message : messages) {
            List<S3EventNotifications.ObjectRef> objects;
            try {
                objects = S3EventNotifications.objects(message.body());
            } catch (IOException e) {
                // not a notification at all: its text goes to the errors topic, and the message is deleted once that is written
                Notification notification = new Notification(message, 1);
                SourceRecord error = ErrorRecords.of(errorsTopic, Map.of("queue", sqsSettings.queueUrl()),
                        Map.of("message", message.messageId()), "sqs:" + sqsSettings.queueUrl() + "#" + message.messageId(),
                        message.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), e, STAGE);
                metrics.error(message.body().length());
                synchronized (lastRecords) {
                    lastRecords.put(error, notification);
                }
                pendingErrors.add(error);
                continue;
            }
            Notification notification = new Notification(message, objects.size());
            String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
            Instant written = sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent));
            if (objects.isEmpty()) {
                deleteMessage(message);
            }
            for (S3EventNotifications.ObjectRef object : objects) {
                Map<String, String> partition = Map.of("bucket", object.bucket(), "key", object.key());
                Map<String, Object> offset = context.offsetStorageReader().offset(partition);
                if (offset != null && Boolean.TRUE.equals(offset.get("complete"))) {
                    objectAcknowledged(notification); // a redelivered notification of an object already read
                    continue;
                }
                long resumeAfter = offset == null ? 0 : ((Number) offset.get("position")).longValue();
                queued.add(new Work(object.bucket(), object.key(), partition, resumeAfter, written, notification));
            }
        }
        return !queued.isEmpty();
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        Notification notification;
        synchronized (lastRecords) {
            notification = lastRecords.remove(record);
        }
        if (notification != null) {
            objectAcknowledged(notification);
        }
    }

    private void objectAcknowledged(Notification notification) {
        synchronized (notification) {
            if (--notification.outstanding == 0) {
                deleteMessage(notification.message);
            }
        }
    }

    private void deleteMessage(Message message) {
        sqs.deleteMessage(b -> b.queueUrl(sqsSettings.queueUrl()).receiptHandle(message.receiptHandle()));
    }

    private void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                log.debug("Closing {}: {}", current == null ? "object" : current.key(), e.toString());
            }
        }
        reader = null;
        lookahead = null;
    }

    @Override
    public void stop() {
        stopping = true;
        s3.close();
        if (sqs != null) {
            sqs.close();
        }
    }

    @Override
    public String version() {
        return PluginVersion.of(getClass());
    }
}
