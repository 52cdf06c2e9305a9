package io.secpipe.connect.source.file;

import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import io.secpipe.formats.vpcflow.FlowLogFileReader;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads its share of the files in order. The source partition is the file, the offset the number of
 * the last line sent: on restart the task skips exactly the lines already written.
 */
public class FileSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(FileSourceTask.class);
    static final String PARTITION_FILE = "file";
    static final String OFFSET_LINE = "line";

    private FileSourceConfig config;
    private final Deque<Path> pending = new ArrayDeque<>();
    private Path currentFile;
    private FlowLogFileReader reader;
    private long resumeAfterLine;
    /** stop() runs on another thread than poll(); both hold the task's lock while touching the reader. */
    private volatile boolean stopping;

    @Override
    public void start(Map<String, String> props) {
        config = new FileSourceConfig(props);
        config.files().forEach(f -> pending.add(Path.of(f).toAbsolutePath().normalize()));
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
        try {
            while (batch.size() < config.batchSize()) {
                if (reader == null && !openNextFile()) {
                    break;
                }
                FlowLogFileReader.Line line = reader.next(resumeAfterLine);
                if (line == null) {
                    log.info("Finished {}", currentFile);
                    closeCurrent();
                    continue;
                }
                batch.add(toRecord(line));
            }
        } catch (IOException e) {
            // A file that cannot be read must not be skipped silently: fail, and a restart resumes at its offset.
            throw new ConnectException("Cannot read " + currentFile + ": " + e.getMessage(), e);
        }
        return batch;
    }

    private boolean openNextFile() throws IOException {
        currentFile = pending.poll();
        if (currentFile == null) {
            return false;
        }
        Map<String, Object> offset = context.offsetStorageReader().offset(partition(currentFile));
        resumeAfterLine = offset == null ? 0L : ((Number) offset.get(OFFSET_LINE)).longValue();
        log.info("Reading {} after line {}", currentFile, resumeAfterLine);
        reader = new FlowLogFileReader(currentFile, config.format());
        return true;
    }

    private SourceRecord toRecord(FlowLogFileReader.Line line) {
        SourcePosition position = SourcePosition.ofFileLine(currentFile, line.number());
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(SecpipeHeaders.ID, position.documentId());
        headers.addString(SecpipeHeaders.SOURCE, position.uri());
        headers.addString(SecpipeHeaders.FORMAT, String.join(" ", line.format()));
        return new SourceRecord(partition(currentFile), Map.of(OFFSET_LINE, line.number()),
                config.topic(), null,
                Schema.OPTIONAL_STRING_SCHEMA, interfaceId(line),
                Schema.STRING_SCHEMA, line.text(),
                null, headers);
    }

    /** The record key is the line's interface id, so one ENI's flows stay in order on one partition. */
    private static String interfaceId(FlowLogFileReader.Line line) {
        int index = line.format().indexOf("interface-id");
        List<String> values = FlowLogFormat.tokens(line.text());
        return index >= 0 && values.size() == line.format().size() ? values.get(index) : null;
    }

    private static Map<String, String> partition(Path file) {
        return Map.of(PARTITION_FILE, file.toString());
    }

    private void closeCurrent() throws IOException {
        if (reader != null) {
            reader.close();
        }
        reader = null;
        resumeAfterLine = 0;
    }

    private void closeQuietly() {
        try {
            closeCurrent();
        } catch (IOException e) {
            log.warn("Closing {}: {}", currentFile, e.toString());
        }
    }

    @Override
    public void stop() {
        stopping = true;
        synchronized (this) {
            closeQuietly();
        }
    }

    @Override
    public String version() {
        return Version.get();
    }
}
