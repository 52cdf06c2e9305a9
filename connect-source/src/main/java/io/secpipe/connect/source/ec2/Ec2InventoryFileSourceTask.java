package io.secpipe.connect.source.ec2;

import io.secpipe.formats.PluginVersion;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.connect.source.ec2.Ec2Documents.Kind;
import io.secpipe.connect.source.errors.ErrorRecords;
import io.secpipe.connect.source.metrics.SourceTaskMetrics;
import io.secpipe.formats.Decompression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads its share of the CLI JSON files in order. The source partition is the file, the offset the
 * number of its resources already sent (an unusable file counts as one), so a restarted task skips
 * exactly what was written. Resources are numbered in file order: interfaces, then security groups,
 * then the instances of each reservation.
 */
public class Ec2InventoryFileSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(Ec2InventoryFileSourceTask.class);
    static final String PARTITION_FILE = "file";
    static final String OFFSET_ITEM = "item";
    /** An unparseable file goes to the errors topic whole, up to this many bytes (a record must fit a message). */
    static final int MAX_ERROR_BYTES = 256 * 1024;
    private static final ObjectReader READER = Ec2Documents.JSON.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    record Item(Kind kind, String pointer, JsonNode resource) {
    }

    private Ec2InventoryFileConfig config;
    private SourceTaskMetrics metrics;
    private final Deque<Path> pending = new ArrayDeque<>();
    private Path currentFile;
    private List<Item> items;
    private int next;
    private volatile boolean stopping;

    @Override
    public void start(Map<String, String> props) {
        config = new Ec2InventoryFileConfig(props);
        metrics = new SourceTaskMetrics(context);
        config.files().forEach(f -> pending.add(Path.of(f).toAbsolutePath().normalize()));
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        List<SourceRecord> batch = new ArrayList<>();
        while (batch.size() < config.batchSize()) {
            if (items == null && !openNextFile(batch)) {
                break;
            }
            if (items == null) {
                continue; // the file was unusable: its error record is in the batch
            }
            if (next >= items.size()) {
                log.info("Finished {}: {} resources", currentFile, items.size());
                items = null;
                continue;
            }
            Item item = items.get(next++);
            batch.add(toRecord(item, next));
        }
        if (batch.isEmpty()) {
            Thread.sleep(config.pollIntervalMs());
            return null;
        }
        return batch;
    }

    /** Opens the next file; false when none is left. An unusable file adds its error record (unless sent before). */
    private boolean openNextFile(List<SourceRecord> batch) {
        currentFile = pending.poll();
        if (currentFile == null) {
            return false;
        }
        Map<String, Object> offset = context.offsetStorageReader().offset(partition());
        int resumeAfter = offset == null ? 0 : ((Number) offset.get(OFFSET_ITEM)).intValue();
        byte[] raw;
        try (InputStream in = Decompression.open(Files.newInputStream(currentFile))) {
            raw = in.readAllBytes();
        } catch (IOException e) {
            // an unreadable file is not bad input: fail, and a restart resumes at its offset
            throw new ConnectException("Cannot read " + currentFile + ": " + e.getMessage(), e);
        }
        String problem;
        try {
            JsonNode root = READER.readTree(raw);
            List<Item> found = root != null && root.isObject() ? items(root) : List.of();
            if (!found.isEmpty() || (root != null && root.isObject() && hasInventoryArray(root))) {
                items = found;
                next = Math.min(resumeAfter, found.size());
                log.info("Reading {} ({} resources) after resource {}", currentFile, found.size(), next);
                return true;
            }
            problem = "no NetworkInterfaces, SecurityGroups or Reservations array at the top level";
        } catch (IOException e) {
            problem = e instanceof JsonProcessingException j ? j.getOriginalMessage() + " at " + location(j) : e.getMessage();
        }
        items = null;
        if (resumeAfter >= 1) {
            return true; // its error record was written before the restart
        }
        log.warn("{} is not EC2 inventory JSON: {}", currentFile, problem);
        byte[] value = raw.length > MAX_ERROR_BYTES ? Arrays.copyOf(raw, MAX_ERROR_BYTES) : raw;
        String reason = problem + (raw.length > MAX_ERROR_BYTES
                ? " (file of " + raw.length + " bytes, the first " + MAX_ERROR_BYTES + " attached)" : "");
        batch.add(ErrorRecords.of(config.errorsTopic(), partition(), Map.of(OFFSET_ITEM, 1),
                "file:" + currentFile, value, "com.fasterxml.jackson.core.JsonParseException", reason, "ec2-inventory-file"));
        metrics.error(raw.length);
        return true;
    }

    private static boolean hasInventoryArray(JsonNode root) {
        return Arrays.stream(Kind.values()).anyMatch(k -> root.path(k.cliArray).isArray());
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "?" : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** Every resource in the file, in file order, with a JSON pointer to it. */
    private static List<Item> items(JsonNode root) {
        List<Item> items = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            JsonNode array = root.path(kind.cliArray);
            for (int i = 0; i < array.size(); i++) {
                String pointer = "/" + kind.cliArray + "/" + i;
                if (kind == Kind.INSTANCE) {
                    List<JsonNode> instances = Ec2Documents.instancesOf(array.get(i));
                    for (int j = 0; j < instances.size(); j++) {
                        items.add(new Item(kind, pointer + "/Instances/" + j, instances.get(j)));
                    }
                } else {
                    items.add(new Item(kind, pointer, array.get(i)));
                }
            }
        }
        return items;
    }

    private SourceRecord toRecord(Item item, int number) {
        Map<String, Object> offset = Map.of(OFFSET_ITEM, number);
        String source = "file:" + currentFile + "#" + item.pointer();
        try {
            ObjectNode document = Ec2Documents.toDocument(item.kind(), item.resource(), config.region());
            String value = Ec2Documents.json(document);
            metrics.record(value.length());
            return Ec2Documents.record(config.topic(item.kind()), partition(), offset,
                    Ec2Documents.key(item.kind(), document), value, source);
        } catch (IllegalArgumentException e) {
            byte[] raw = Ec2Documents.json(item.resource()).getBytes(StandardCharsets.UTF_8);
            metrics.error(raw.length);
            return ErrorRecords.of(config.errorsTopic(), partition(), offset, source, raw, e, "ec2-inventory-file");
        }
    }

    private Map<String, String> partition() {
        return Map.of(PARTITION_FILE, currentFile.toString());
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public String version() {
        return PluginVersion.of(getClass());
    }
}
