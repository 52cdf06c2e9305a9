package io.secpipe.connect.sink;

import io.secpipe.connect.sink.WritingSettings.OnMalformed;
import io.secpipe.connect.sink.WritingSettings.OnNull;
import io.secpipe.formats.PluginVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers records into bulk requests and sends up to max.in.flight.requests of them at once. put()
 * blocks while max.buffered.records are buffered or in flight (backpressure). Offsets are committed
 * only after the engine acknowledged every document put so far ({@link #preCommit} flushes first and
 * commits nothing when that does not finish within flush.timeout.ms), so a crash re-delivers and the
 * deterministic ids turn the re-delivery into overwrites.
 */
public class ElasticsearchSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkTask.class);

    /** Headers added to a dead letter: Connect's context headers carry the exception, not the engine's error type or index. */
    public static final String ERROR_TYPE_HEADER = "secpipe.error.type";
    public static final String ERROR_REASON_HEADER = "secpipe.error.reason";
    public static final String ERROR_INDEX_HEADER = "secpipe.error.index";

    private ElasticsearchSinkConfig config;
    private EngineClient client;
    private DocumentBuilder documents;
    private ErrantRecordReporter deadLetters;
    private ExecutorService senders;
    private int batchSize;
    private long bulkBytes;
    private int maxInFlight;
    private int maxBuffered;
    private long lingerMs;
    private long flushTimeoutMs;

    private final List<SinkRecord> pendingRecords = new ArrayList<>();
    private final List<BulkItem> pendingItems = new ArrayList<>();
    private long pendingBytes;
    private long oldestPendingAt;
    /** Batches sent and not yet collected, oldest first. */
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    private int inFlightRecords;

    /** A rejected document: what the engine said. */
    record Rejection(SinkRecord record, BulkItem item, EngineClient.ItemResult result) {
    }

    private record InFlight(int records, CompletableFuture<List<Rejection>> result) {
    }

    /** For tests and the benchmark: a task whose client is given (WireMock, a signer with a fixed clock). */
    EngineClient clientOverride;

    @Override
    public void start(Map<String, String> props) {
        config = new ElasticsearchSinkConfig(props);
        client = clientOverride != null ? clientOverride : new EngineClient(config);
        documents = new DocumentBuilder(config);
        deadLetters = errantRecordReporter();
        batchSize = config.getInt(WritingSettings.BATCH_SIZE);
        bulkBytes = config.getLong(WritingSettings.BULK_SIZE_BYTES);
        maxInFlight = config.getInt(WritingSettings.MAX_IN_FLIGHT_REQUESTS);
        maxBuffered = config.getInt(WritingSettings.MAX_BUFFERED_RECORDS);
        lingerMs = config.getLong(WritingSettings.LINGER_MS);
        flushTimeoutMs = config.getLong(WritingSettings.FLUSH_TIMEOUT_MS);
        senders = Executors.newFixedThreadPool(maxInFlight, r -> {
            Thread t = new Thread(r, "secpipe-sink-bulk");
            t.setDaemon(true);
            return t;
        });
        for (String template : config.getList(IndexingSettings.INDEX_TEMPLATES)) {
            client.putIndexTemplate("secpipe-" + template, bundledTemplate(template));
        }
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context == null ? null : context.errantRecordReporter(); // null unless errors.tolerance or a DLQ is set
        } catch (NoSuchMethodError | NoClassDefFoundError olderWorker) {
            return null;
        }
    }

    static byte[] bundledTemplate(String name) {
        try (InputStream in = ElasticsearchSinkTask.class.getResourceAsStream("/secpipe/templates/" + name + ".json")) {
            if (in == null) {
                throw new ConnectException("No index template named '" + name + "' is bundled (" + IndexingSettings.INDEX_TEMPLATES + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ConnectException("Cannot read the bundled template " + name, e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        collectFinished();
        for (SinkRecord record : records) {
            BulkItem item;
            try {
                if (record.value() == null) {
                    OnNull onNull = config.onNull();
                    if (onNull == OnNull.FAIL) {
                        throw new ConnectException("Record " + position(record) + " has a null value ("
                                + WritingSettings.BEHAVIOR_ON_NULL_VALUES + "=fail)");
                    }
                    if (onNull == OnNull.IGNORE) {
                        continue;
                    }
                    item = documents.delete(record);
                } else {
                    item = documents.build(record);
                }
            } catch (DocumentBuilder.MalformedRecordException e) {
                if (config.getBoolean(WritingSettings.DROP_INVALID_MESSAGE)) {
                    log.warn("Dropping record {}: {} ({}=true)", position(record), e.getMessage(), WritingSettings.DROP_INVALID_MESSAGE);
                } else {
                    malformed(record, "invalid_record", e.getMessage(), null);
                }
                continue;
            }
            if (pendingItems.isEmpty()) {
                oldestPendingAt = System.currentTimeMillis();
            }
            if (!pendingItems.isEmpty() && pendingBytes + item.sizeInBytes() > bulkBytes) {
                dispatch();
            }
            pendingItems.add(item);
            pendingRecords.add(record);
            pendingBytes += item.sizeInBytes();
            if (pendingItems.size() >= batchSize) {
                dispatch();
            }
            while (pendingItems.size() + inFlightRecords >= maxBuffered && !inFlight.isEmpty()) {
                awaitOldest(Long.MAX_VALUE); // backpressure: Connect does not poll while put() blocks
            }
        }
        if (!pendingItems.isEmpty() && System.currentTimeMillis() - oldestPendingAt >= lingerMs) {
            dispatch();
        }
        // the worker's next poll would otherwise block until the next offset commit: come back when the
        // lingering batch is due, or soon to hand in-flight rejections to the dead-letter reporter
        if (context != null && (!pendingItems.isEmpty() || !inFlight.isEmpty())) {
            long lingerLeft = pendingItems.isEmpty() ? Long.MAX_VALUE : lingerMs - (System.currentTimeMillis() - oldestPendingAt);
            context.timeout(Math.max(1, Math.min(lingerLeft, inFlight.isEmpty() ? Long.MAX_VALUE : 100)));
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        if (!pendingItems.isEmpty()) {
            dispatch();
        }
        long deadline = System.currentTimeMillis() + flushTimeoutMs;
        while (!inFlight.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !awaitOldest(left)) {
                log.warn("{} bulk requests ({} records) were not acknowledged within {} ms; offsets are not committed this time",
                        inFlight.size(), inFlightRecords, flushTimeoutMs);
                return Map.of();
            }
        }
        return currentOffsets;
    }

    /** Hands the pending batch to a sender thread, waiting first when max.in.flight.requests are out. */
    private void dispatch() {
        while (inFlight.size() >= maxInFlight) {
            awaitOldest(Long.MAX_VALUE);
        }
        List<BulkItem> items = new ArrayList<>(pendingItems);
        List<SinkRecord> records = new ArrayList<>(pendingRecords);
        pendingItems.clear();
        pendingRecords.clear();
        pendingBytes = 0;
        inFlight.add(new InFlight(records.size(), CompletableFuture.supplyAsync(() -> send(items, records), senders)));
        inFlightRecords += records.size();
    }

    private void collectFinished() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().result().isDone()) {
            awaitOldest(Long.MAX_VALUE);
        }
    }

    /** Waits for the oldest batch and handles its rejections on the task's thread; false on timeout. */
    private boolean awaitOldest(long timeoutMs) {
        InFlight oldest = inFlight.peekFirst();
        List<Rejection> rejections;
        try {
            rejections = oldest.result().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for the engine", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ConnectException ce ? ce : new ConnectException(e.getCause());
        }
        inFlight.removeFirst();
        inFlightRecords -= oldest.records();
        for (Rejection r : rejections) {
            malformed(r.record(), r.result().errorType(), r.result().reason(), r.item().index());
        }
        return true;
    }

    /**
     * On a sender thread: sends until every document is acknowledged or rejected for good; passing
     * item failures (429, 5xx, a read-only block) are retried with backoff, and running out of retries fails the task.
     */
    private List<Rejection> send(List<BulkItem> items, List<SinkRecord> records) {
        int maxRetries = config.getInt(ConnectionSettings.MAX_RETRIES);
        List<Rejection> rejections = new ArrayList<>();
        for (int attempt = 0; !items.isEmpty(); attempt++) {
            if (attempt > 0) {
                client.sleepBeforeRetry(attempt);
            }
            List<EngineClient.ItemResult> results = client.bulk(items);
            List<BulkItem> retryItems = new ArrayList<>();
            List<SinkRecord> retryRecords = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                EngineClient.ItemResult result = results.get(i);
                BulkItem item = items.get(i);
                if (result.ok() || result.alreadyDone(item.op())) {
                    continue;
                }
                if (result.retriable() && attempt < maxRetries) {
                    retryItems.add(item);
                    retryRecords.add(records.get(i));
                } else if (result.retriable()) {
                    throw new ConnectException("The engine kept refusing documents for " + item.index() + ": "
                            + result.status() + " " + result.errorType() + ": " + result.reason());
                } else {
                    rejections.add(new Rejection(records.get(i), item, result));
                }
            }
            items = retryItems;
            records = retryRecords;
        }
        return rejections;
    }

    private void malformed(SinkRecord record, String errorType, String reason, String index) {
        String description = errorType + (index == null ? "" : " [" + index + "]") + ": " + reason;
        OnMalformed behavior = config.onMalformed();
        if (behavior == OnMalformed.FAIL) {
            throw new ConnectException("Cannot index record " + position(record) + ": " + description + " ("
                    + WritingSettings.BEHAVIOR_ON_MALFORMED_DOCS + "=fail)");
        }
        if (behavior == OnMalformed.WARN) {
            log.warn("Skipping record {}: {}", position(record), description);
        }
        if (deadLetters != null) {
            deadLetters.report(withErrorHeaders(record, errorType, reason, index), new MalformedDocumentException(description));
        }
    }

    /**
     * A copy of the record with secpipe.error.* headers. A copy that is not the worker's own record
     * makes Connect write it (through the worker's converters) with its headers, instead of the
     * original consumer record without them.
     */
    static SinkRecord withErrorHeaders(SinkRecord record, String errorType, String reason, String index) {
        ConnectHeaders headers = new ConnectHeaders();
        record.headers().forEach(headers::add);
        headers.addString(ERROR_TYPE_HEADER, errorType);
        headers.addString(ERROR_REASON_HEADER, reason);
        if (index != null) {
            headers.addString(ERROR_INDEX_HEADER, index);
        }
        return new SinkRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), record.valueSchema(),
                record.value(), record.kafkaOffset(), record.timestamp(), record.timestampType(), headers);
    }

    private static String position(SinkRecord record) {
        return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }

    @Override
    public void stop() {
        if (senders != null) {
            senders.shutdownNow();
        }
    }

    @Override
    public String version() {
        return PluginVersion.of(getClass());
    }
}
