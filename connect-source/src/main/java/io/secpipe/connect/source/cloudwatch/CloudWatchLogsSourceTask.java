package io.secpipe.connect.source.cloudwatch;

import io.secpipe.connect.source.aws.AwsClientSettings;
import io.secpipe.formats.PluginVersion;
import io.secpipe.connect.source.metrics.SourceTaskMetrics;
import io.secpipe.formats.SecpipeHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.LimitExceededException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ServiceUnavailableException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ThrottlingException;

/**
 * Reads its share of the log groups with FilterLogEvents, one group after the other. FilterLogEvents
 * returns a group's events sorted by timestamp (then ingestion time), across streams; so "every event
 * before timestamp T, and these ids at T" describes exactly what was sent, and is the source offset.
 * Each round asks again from T and passes over the ids already sent at T.
 */
public class CloudWatchLogsSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(CloudWatchLogsSourceTask.class);
    static final String PARTITION_GROUP = "log.group";
    static final String OFFSET_TIMESTAMP = "timestamp";
    static final String OFFSET_IDS = "ids";
    /** FilterLogEvents returns at most this many events per page. */
    private static final int MAX_PAGE = 10_000;
    /** Consecutive client-side failures (network, credentials) waited out before the task fails. */
    private static final int MAX_CLIENT_FAILURES = 10;

    private CloudWatchLogsSourceConfig config;
    private CloudWatchLogsClient client;
    private SourceTaskMetrics metrics;
    private final List<Group> groups = new ArrayList<>();
    private int nextGroup;
    private int failuresInARow;
    private long pausedUntil;
    private final CountDownLatch stopping = new CountDownLatch(1);
    /** The account the log groups belong to, when the configuration tells (the assumed role's ARN); else null. */
    private String owner;

    /** One log group's position: every event before {@code timestamp} was sent, and those of {@code ids} at it. */
    private static final class Group {
        final String name;
        final Map<String, String> partition;
        long timestamp;
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        long dueAt;
        long lagMs;

        Group(String name) {
            this.name = name;
            this.partition = Map.of(PARTITION_GROUP, name);
        }

        Map<String, Object> offset() {
            return Map.of(OFFSET_TIMESTAMP, timestamp, OFFSET_IDS, String.join(",", ids));
        }
    }

    @Override
    public void start(Map<String, String> props) {
        config = new CloudWatchLogsSourceConfig(props);
        metrics = new SourceTaskMetrics(context);
        long now = System.currentTimeMillis();
        List<Map<String, String>> partitions = new ArrayList<>();
        for (String name : config.logGroups()) {
            Group group = new Group(name);
            groups.add(group);
            partitions.add(group.partition);
        }
        Map<Map<String, String>, Map<String, Object>> offsets = context.offsetStorageReader().offsets(partitions);
        for (Group group : groups) {
            Map<String, Object> offset = offsets == null ? null : offsets.get(group.partition);
            if (offset == null) {
                group.timestamp = config.startMillis(now);
            } else {
                group.timestamp = ((Number) offset.get(OFFSET_TIMESTAMP)).longValue();
                Arrays.stream(String.valueOf(offset.get(OFFSET_IDS)).split(","))
                        .filter(id -> !id.isEmpty()).forEach(group.ids::add);
            }
            log.info("Reading log group {} from timestamp {} passing over {} event(s) already sent at it",
                    group.name, group.timestamp, group.ids.size());
        }
        owner = accountOf(config.getString(AwsClientSettings.ROLE_ARN));
        client = config.aws().configure(CloudWatchLogsClient.builder()).build();
    }

    /**
     * The account id of an ARN ({@code arn:aws:iam::123456789012:role/reader} gives 123456789012); null for no
     * ARN or one without an account. FilterLogEvents names no owner: the role read through is the only hint.
     */
    static String accountOf(String arn) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.strip().split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && parts[4].matches("\\d{12}") ? parts[4] : null;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        long now = System.currentTimeMillis();
        List<SourceRecord> batch = new ArrayList<>();
        if (now >= pausedUntil) {
            try {
                for (int i = 0; i < groups.size() && batch.size() < config.batchSize(); i++) {
                    Group group = groups.get((nextGroup + i) % groups.size());
                    if (group.dueAt <= now) {
                        readGroup(group, now, batch);
                    }
                }
                failuresInARow = 0;
            } catch (ThrottlingException | LimitExceededException | ServiceUnavailableException | SdkClientException e) {
                if (stopping.getCount() == 0) {
                    return null;
                }
                // A client-side failure that persists (no credentials, wrong endpoint) must surface as a failed task;
                // throttling and unavailability pass, so they are waited out however long they last.
                if (e instanceof SdkClientException && failuresInARow >= MAX_CLIENT_FAILURES) {
                    throw new ConnectException("CloudWatch Logs unreachable after " + failuresInARow + " attempts: " + e.getMessage(), e);
                }
                // The SDK already retried. Throttling is an account-wide quota, so the whole task pauses.
                long backoff = backoff(failuresInARow++);
                pausedUntil = now + backoff;
                log.warn("CloudWatch Logs refused or failed a request ({}); retrying in {} ms", e.getMessage(), backoff);
            } catch (SdkException e) {
                if (stopping.getCount() == 0) {
                    return null;
                }
                throw new ConnectException("Reading CloudWatch Logs failed: " + e.getMessage(), e);
            }
            nextGroup = groups.isEmpty() ? 0 : (nextGroup + 1) % groups.size();
        }
        metrics.lag(groups.stream().mapToLong(g -> g.lagMs).max().orElse(0));
        if (batch.isEmpty()) {
            long wake = Math.max(pausedUntil, groups.stream().mapToLong(g -> g.dueAt).min().orElse(now + config.pollIntervalMs()));
            stopping.await(Math.max(1, Math.min(wake - now, config.pollIntervalMs())), TimeUnit.MILLISECONDS);
            return null;
        }
        return batch;
    }

    /** Exponential backoff with equal jitter: half the step for sure, the other half at random. */
    private long backoff(int attempt) {
        long step = Math.min(config.retryBackoffMaxMs(), config.retryBackoffMs() << Math.min(attempt, 20));
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    /** A group deleted since the task started is passed over, not fatal: the others go on, and it may come back. */
    private void readGroup(Group group, long now, List<SourceRecord> batch) {
        try {
            read(group, now, batch);
        } catch (ResourceNotFoundException e) {
            log.warn("Log group {} does not exist (any more); looking again in {} ms", group.name, config.pollIntervalMs());
            group.dueAt = now + config.pollIntervalMs();
            group.lagMs = 0;
        }
    }

    /** Appends the group's next events to the batch, up to the batch size, and moves its position past them. */
    private void read(Group group, long now, List<SourceRecord> batch) {
        long endTime = now - config.ingestionDelayMs();
        if (endTime < group.timestamp) {
            group.dueAt = now + config.pollIntervalMs();
            group.lagMs = 0;
            return;
        }
        int room = config.batchSize() - batch.size();
        FilterLogEventsRequest.Builder request = FilterLogEventsRequest.builder()
                .logGroupName(group.name)
                .startTime(group.timestamp)
                .endTime(endTime)
                .limit((int) Math.min(MAX_PAGE, (long) room + group.ids.size()));
        if (!config.logStreamPrefix().isEmpty()) {
            request.logStreamNamePrefix(config.logStreamPrefix());
        }

        List<FilteredLogEvent> events = new ArrayList<>();
        List<Map<String, Object>> offsets = new ArrayList<>();
        boolean caughtUp;
        try {
            caughtUp = take(group, request.build(), room, events, offsets);
        } finally {
            // also when a later page failed: the events taken so far are sent, as the position already counts them
            if (!events.isEmpty()) {
                offsets.set(offsets.size() - 1, group.offset());
            }
            for (int i = 0; i < events.size(); i++) {
                batch.add(toRecord(group, events.get(i), offsets.get(i)));
            }
        }
        // caught up: wait a poll interval; otherwise there is more right now
        group.dueAt = caughtUp ? now + config.pollIntervalMs() : now;
        group.lagMs = caughtUp || events.isEmpty() ? 0 : Math.max(0, now - group.timestamp);
    }

    /**
     * Takes up to {@code room} events not sent before, moving the group's position past each. Returns whether
     * the group has no more events for now.
     *
     * <p>A record's offset must never claim more than was sent up to it, and a batch's last record must carry
     * the exact position (that is what the worker commits with the batch). Copying the growing id list into
     * every record would cost quadratic memory when many events share a millisecond, so a record inside a run
     * of equal timestamps carries the position at the start of the run (a restart there repeats part of the
     * run, never skips) and the last record of each run the exact position.
     */
    private boolean take(Group group, FilterLogEventsRequest request, int room,
                         List<FilteredLogEvent> events, List<Map<String, Object>> offsets) {
        long queryStart = request.startTime();
        Map<String, Object> runStart = group.offset();
        var iterator = client.filterLogEventsPaginator(request).events().iterator();
        while (events.size() < room && iterator.hasNext()) {
            FilteredLogEvent event = iterator.next();
            long timestamp = event.timestamp();
            if (timestamp < queryStart) {
                continue; // outside the asked range: CloudWatch never returns such an event
            }
            if (timestamp == group.timestamp && group.ids.contains(event.eventId())) {
                continue; // sent before
            }
            if (timestamp > group.timestamp) {
                if (!events.isEmpty()) {
                    offsets.set(offsets.size() - 1, group.offset());
                }
                group.timestamp = timestamp;
                group.ids = new LinkedHashSet<>();
                runStart = Map.of(OFFSET_TIMESTAMP, timestamp, OFFSET_IDS, "");
            } else if (timestamp < group.timestamp) {
                // contrary to the documented order; sent all the same rather than lost
                log.warn("Log group {}: event {} at {} arrived after events at {}", group.name, event.eventId(), timestamp,
                        group.timestamp);
            }
            if (timestamp == group.timestamp) {
                group.ids.add(event.eventId());
            }
            events.add(event);
            offsets.add(runStart);
        }
        return events.size() < room;
    }

    private SourceRecord toRecord(Group group, FilteredLogEvent event, Map<String, Object> offset) {
        String message = event.message() == null ? "" : event.message();
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(SecpipeHeaders.ID, event.eventId());
        headers.addString(SecpipeHeaders.SOURCE, "cwl:" + group.name + "/" + event.logStreamName() + "#" + event.eventId());
        if (!config.format().isEmpty()) {
            headers.addString(SecpipeHeaders.FORMAT, config.format());
        }
        headers.addString(SecpipeHeaders.LOG_GROUP, group.name);
        if (event.logStreamName() != null) {
            headers.addString(SecpipeHeaders.LOG_STREAM, event.logStreamName());
        }
        if (owner != null) {
            headers.addString(SecpipeHeaders.LOG_OWNER, owner);
        }
        if (event.timestamp() != null) {
            // a record without a time of its own (a flow-log format without start/end) takes the event's
            headers.addString(SecpipeHeaders.DELIVERY_TIME, java.time.Instant.ofEpochMilli(event.timestamp()).toString());
        }
        byte[] value = message.getBytes(StandardCharsets.UTF_8);
        metrics.record(value.length);
        // The record keeps the append time: stamped with the event time, a backfill of old events would fall
        // at once to the topic's time-based retention. Event time is in the message, where the topologies read it.
        return new SourceRecord(group.partition, offset, config.topic(), null,
                Schema.OPTIONAL_STRING_SCHEMA, event.logStreamName(),
                Schema.OPTIONAL_BYTES_SCHEMA, value,
                null, headers);
    }

    @Override
    public void stop() {
        stopping.countDown();
        CloudWatchLogsClient current = client;
        if (current != null) {
            current.close(); // also ends a request poll() is waiting on
        }
    }

    @Override
    public String version() {
        return PluginVersion.of(getClass());
    }
}
