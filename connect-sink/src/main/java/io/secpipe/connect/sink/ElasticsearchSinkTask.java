package io.secpipe.connect.sink;

import io.secpipe.connect.sink.ElasticsearchSinkConfig.OnMalformed;
import io.secpipe.connect.sink.ElasticsearchSinkConfig.OnNull;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers records into bulk requests. Offsets are committed only after the engine acknowledged every
 * buffered document ({@link #preCommit} flushes first), so a crash re-delivers and the deterministic
 * ids turn the re-delivery into overwrites.
 */
public class ElasticsearchSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkTask.class);

    private ElasticsearchSinkConfig config;
    private EngineClient client;
    private DocumentBuilder documents;
    private ErrantRecordReporter deadLetters;
    private final List<SinkRecord> pendingRecords = new ArrayList<>();
    private final List<EngineClient.BulkItem> pendingItems = new ArrayList<>();

    @Override
    public void start(Map<String, String> props) {
        config = new ElasticsearchSinkConfig(props);
        client = new EngineClient(config);
        documents = new DocumentBuilder(config);
        deadLetters = errantRecordReporter();
        for (String template : config.getList(ElasticsearchSinkConfig.INDEX_TEMPLATES)) {
            client.putIndexTemplate("secpipe-" + template, bundledTemplate(template));
        }
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter(); // null unless a dead-letter topic or error logging is configured
        } catch (NoSuchMethodError | NoClassDefFoundError olderWorker) {
            return null;
        }
    }

    static byte[] bundledTemplate(String name) {
        try (InputStream in = ElasticsearchSinkTask.class.getResourceAsStream("/secpipe/templates/" + name + ".json")) {
            if (in == null) {
                throw new ConnectException("No index template named '" + name + "' is bundled (" + ElasticsearchSinkConfig.INDEX_TEMPLATES + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ConnectException("Cannot read the bundled template " + name, e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            if (record.value() == null) {
                if (config.onNull() == OnNull.FAIL) {
                    throw new ConnectException("Record " + position(record) + " has a null value ("
                            + ElasticsearchSinkConfig.BEHAVIOR_ON_NULL_VALUES + "=fail)");
                }
                continue;
            }
            try {
                pendingItems.add(documents.build(record));
                pendingRecords.add(record);
            } catch (DocumentBuilder.MalformedRecordException e) {
                malformed(record, e.getMessage());
            }
            if (pendingItems.size() >= config.getInt(ElasticsearchSinkConfig.BATCH_SIZE)) {
                flushPending();
            }
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        flushPending();
        return currentOffsets;
    }

    /** Sends what is buffered until every document is acknowledged, rejected for good, or the retries run out. */
    private void flushPending() {
        List<EngineClient.BulkItem> items = new ArrayList<>(pendingItems);
        List<SinkRecord> records = new ArrayList<>(pendingRecords);
        pendingItems.clear();
        pendingRecords.clear();
        int maxRetries = config.getInt(ElasticsearchSinkConfig.MAX_RETRIES);
        for (int attempt = 0; !items.isEmpty(); attempt++) {
            if (attempt > 0) {
                client.sleepBeforeRetry(attempt);
            }
            List<EngineClient.ItemResult> results = client.bulk(items);
            List<EngineClient.BulkItem> retryItems = new ArrayList<>();
            List<SinkRecord> retryRecords = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                EngineClient.ItemResult result = results.get(i);
                if (result.ok() || result.alreadyThere()) {
                    continue;
                }
                if (result.retriable() && attempt < maxRetries) {
                    retryItems.add(items.get(i));
                    retryRecords.add(records.get(i));
                } else if (result.retriable()) {
                    throw new ConnectException("The engine kept refusing documents for " + items.get(i).index() + ": "
                            + result.status() + " " + result.errorType() + ": " + result.reason());
                } else {
                    malformed(records.get(i), result.errorType() + " [" + items.get(i).index() + "]: " + result.reason());
                }
            }
            items = retryItems;
            records = retryRecords;
        }
    }

    private void malformed(SinkRecord record, String reason) {
        OnMalformed behavior = config.onMalformed();
        if (behavior == OnMalformed.FAIL) {
            throw new ConnectException("Cannot index record " + position(record) + ": " + reason + " ("
                    + ElasticsearchSinkConfig.BEHAVIOR_ON_MALFORMED_DOCS + "=fail)");
        }
        if (behavior == OnMalformed.WARN) {
            log.warn("Skipping record {}: {}", position(record), reason);
        }
        if (deadLetters != null) {
            deadLetters.report(record, new MalformedDocumentException(reason));
        }
    }

    private static String position(SinkRecord record) {
        return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return Version.get();
    }
}
