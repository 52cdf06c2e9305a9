package io.secpipe.connect.source.file;

import io.secpipe.formats.PluginVersion;
import io.secpipe.connect.source.errors.ErrorRecords;
import io.secpipe.formats.framing.Frame;
import io.secpipe.connect.source.metrics.SourceTaskMetrics;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads its share of the files through the configured framing: in order, each once, or (tail) all of them,
 * followed as they grow. The source partition is the file, the offset the position of the last frame sent
 * (and the file's key, so a rotation is told apart from a restart). A piece the framing cannot make a record
 * of goes to the errors topic with the same offset, and reading goes on.
 */
public class FileSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(FileSourceTask.class);
    static final String PARTITION_FILE = "file";
    static final String OFFSET_LINE = "line";
    static final String OFFSET_FILE_KEY = "file.key";
    static final String ERROR_STAGE = "file-source";

    private FileSourceConfig config;
    private SourceTaskMetrics metrics;
    /** Read once: the files left, the first being read. Tailed: every file, read in turn. */
    private final List<FileCursor> cursors = new ArrayList<>();
    private int next;
    private long caughtUpAt;
    /** stop() runs on another thread than poll(); both hold the task's lock while touching the cursors. */
    private volatile boolean stopping;

    @Override
    public void start(Map<String, String> props) {
        config = new FileSourceConfig(props);
        metrics = new SourceTaskMetrics(context);
        caughtUpAt = System.currentTimeMillis();
        for (String file : config.files()) {
            Path path = Path.of(file).toAbsolutePath().normalize();
            Map<String, Object> offset = context.offsetStorageReader().offset(partition(path));
            cursors.add(new FileCursor(path, config.framing(), config.tail(), config.pollIntervalMs(), offset));
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> batch;
        synchronized (this) {
            if (stopping) {
                return null;
            }
            batch = readBatch();
        }
        if (batch.isEmpty()) {
            Thread.sleep(config.pollIntervalMs());
            return null;
        }
        return batch;
    }

    private List<SourceRecord> readBatch() {
        List<SourceRecord> batch = new ArrayList<>();
        boolean caughtUp = true;
        if (!config.tail()) {
            // read once: strictly one file after the other
            while (!cursors.isEmpty() && batch.size() < config.batchSize()) {
                FileCursor cursor = cursors.get(0);
                read(cursor, batch);
                if (!cursor.done()) {
                    break;
                }
                cursors.remove(0);
            }
            caughtUp = cursors.isEmpty();
        } else {
            // round robin, so that one busy file does not starve the others
            for (int visited = 0; visited < cursors.size(); visited++) {
                read(cursors.get(next), batch);
                if (batch.size() >= config.batchSize()) {
                    caughtUp = false;
                    break; // this file may have more: it goes first next time
                }
                next = (next + 1) % cursors.size();
            }
            if (cursors.removeIf(FileCursor::done)) {
                next = 0;
            }
        }
        long now = System.currentTimeMillis();
        if (caughtUp) {
            caughtUpAt = now;
        }
        metrics.lag(now - caughtUpAt);
        return batch;
    }

    private void read(FileCursor cursor, List<SourceRecord> batch) {
        try {
            Frame frame;
            while (batch.size() < config.batchSize() && (frame = cursor.next()) != null) {
                batch.add(toRecord(cursor, frame));
            }
        } catch (EOFException | ZipException e) {
            // the content is broken (a truncated or corrupt gzip): one error record, and the file is finished
            batch.add(brokenStream(cursor, e));
        } catch (IOException e) {
            // a file that cannot be read must not be skipped silently: fail, and a restart resumes at its offset
            throw new ConnectException("Cannot read " + cursor.path() + ": " + e.getMessage(), e);
        }
    }

    private SourceRecord toRecord(FileCursor cursor, Frame frame) {
        SourcePosition position = SourcePosition.ofFileLine(cursor.path(), frame.position());
        Map<String, Object> offset = offset(frame.position(), cursor.fileKey());
        if (frame.isError()) {
            metrics.error(frame.value().length);
            return errorRecord(cursor, offset, position, frame.value(), frame.errorClass(), frame.error());
        }
        metrics.record(frame.value().length);
        ConnectHeaders headers = new ConnectHeaders();
        // an id the input carries (a CloudTrail eventID) wins over one made from the position
        headers.addString(SecpipeHeaders.ID, frame.headers().getOrDefault(SecpipeHeaders.ID, documentId(cursor, position)));
        headers.addString(SecpipeHeaders.SOURCE, position.uri());
        if (cursor.deliveryTime() != null && !frame.headers().containsKey(SecpipeHeaders.DELIVERY_TIME)) {
            // the file's own time, unless the framing knows a finer one (a CloudWatch Logs event's timestamp)
            headers.addString(SecpipeHeaders.DELIVERY_TIME, cursor.deliveryTime());
        }
        frame.headers().forEach((name, value) -> {
            if (!name.equals(SecpipeHeaders.ID)) {
                headers.addString(name, value);
            }
        });
        return new SourceRecord(partition(cursor.path()), offset, config.topic(), null,
                Schema.OPTIONAL_STRING_SCHEMA, frame.key(),
                Schema.OPTIONAL_BYTES_SCHEMA, frame.value(),
                null, headers);
    }

    /**
     * A followed path holds one file after another, each from line 1: the id names the file's key as well, so
     * that line 5 of today's file does not overwrite line 5 of yesterday's. A file read once keeps the plain id.
     */
    private String documentId(FileCursor cursor, SourcePosition position) {
        return config.tail() && cursor.fileKey() != null
                ? new SourcePosition(position.uri() + "@" + cursor.fileKey()).documentId()
                : position.documentId();
    }

    private SourceRecord brokenStream(FileCursor cursor, IOException e) {
        long position = cursor.lastPosition() + 1;
        log.warn("{} broke off after position {}: {}; sent to {} and moved on", cursor.path(), cursor.lastPosition(), e.toString(),
                config.errorsTopic());
        try {
            cursor.markDone();
        } catch (IOException closing) {
            log.warn("Closing {}: {}", cursor.path(), closing.toString());
        }
        metrics.error(0);
        return errorRecord(cursor, offset(FileCursor.BROKEN, cursor.fileKey()), SourcePosition.ofFileLine(cursor.path(), position),
                new byte[0], e.getClass().getName(), "the stream broke off after position " + cursor.lastPosition() + ": " + e.getMessage());
    }

    private SourceRecord errorRecord(FileCursor cursor, Map<String, Object> offset, SourcePosition position, byte[] raw,
                                     String errorClass, String reason) {
        return ErrorRecords.of(config.errorsTopic(), partition(cursor.path()), offset, position.uri(), raw, errorClass, reason, ERROR_STAGE);
    }

    private static Map<String, Object> offset(long position, String fileKey) {
        Map<String, Object> offset = new HashMap<>();
        offset.put(OFFSET_LINE, position);
        if (fileKey != null) {
            offset.put(OFFSET_FILE_KEY, fileKey);
        }
        return offset;
    }

    private static Map<String, String> partition(Path file) {
        return Map.of(PARTITION_FILE, file.toString());
    }

    @Override
    public void stop() {
        stopping = true;
        synchronized (this) {
            for (FileCursor cursor : cursors) {
                try {
                    cursor.close();
                } catch (IOException e) {
                    log.warn("Closing {}: {}", cursor.path(), e.toString());
                }
            }
        }
    }

    @Override
    public String version() {
        return PluginVersion.of(getClass());
    }
}
