package io.secpipe.connect.source.cloudwatch;

import static io.secpipe.connect.source.cloudwatch.CloudWatchLogsSourceTask.OFFSET_IDS;
import static io.secpipe.connect.source.cloudwatch.CloudWatchLogsSourceTask.OFFSET_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secpipe.connect.source.aws.AwsClientSettings;
import io.secpipe.formats.SecpipeHeaders;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One task against the WireMock CloudWatch Logs, without a worker: positions, offsets and record shape, exactly. */
@Timeout(60)
class CloudWatchLogsSourceTaskTest {

    private static final String GROUP = "/secpipe/unit";
    private static final long T0 = 1_700_000_000_000L;

    private CloudWatchLogsFake cwl;
    private final Metrics metrics = new Metrics();
    private final List<CloudWatchLogsSourceTask> tasks = new ArrayList<>();

    @BeforeAll
    static void fakeCredentials() {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @BeforeEach
    void startFake() {
        cwl = new CloudWatchLogsFake(2, 0); // two events a page: every read follows nextToken
        cwl.group(GROUP);
    }

    @AfterEach
    void stopAll() {
        tasks.forEach(CloudWatchLogsSourceTask::stop);
        cwl.close();
        metrics.close();
    }

    private Map<String, String> props(String... extra) {
        Map<String, String> props = new HashMap<>();
        props.put(CloudWatchLogsSourceConfig.LOG_GROUPS, GROUP);
        props.put(CloudWatchLogsSourceConfig.TOPIC, "raw.test");
        props.put(CloudWatchLogsSourceConfig.INGESTION_DELAY_MS, "0");
        props.put(CloudWatchLogsSourceConfig.POLL_INTERVAL_MS, "10");
        props.put(AwsClientSettings.REGION, "us-east-1");
        props.put(AwsClientSettings.ENDPOINT_OVERRIDE, cwl.endpoint());
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return props;
    }

    private CloudWatchLogsSourceTask start(Map<String, String> props, Map<String, Object> storedOffset) {
        CloudWatchLogsSourceTask task = new CloudWatchLogsSourceTask();
        PluginMetrics pluginMetrics = new PluginMetricsImpl(metrics, Map.of("task", String.valueOf(tasks.size())));
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return storedOffset;
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        Map<Map<String, T>, Map<String, Object>> result = new HashMap<>();
                        partitions.forEach(p -> result.put(p, storedOffset));
                        return result;
                    }
                };
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return pluginMetrics;
            }
        });
        task.start(props);
        tasks.add(task);
        return task;
    }

    /** Polls until a poll comes back empty. */
    private static List<SourceRecord> drain(CloudWatchLogsSourceTask task) throws InterruptedException {
        List<SourceRecord> all = new ArrayList<>();
        List<SourceRecord> batch;
        while ((batch = task.poll()) != null) {
            all.addAll(batch);
        }
        return all;
    }

    private static List<String> ids(List<SourceRecord> records) {
        return records.stream().map(r -> (String) r.headers().lastWithName(SecpipeHeaders.ID).value()).toList();
    }

    @Test
    void eventsSharingATimestampAcrossARestartAreEachSentOnce() throws Exception {
        String a = cwl.add(GROUP, "s1", T0, "a").id();
        String b = cwl.add(GROUP, "s1", T0 + 1000, "b").id();
        String c = cwl.add(GROUP, "s2", T0 + 1000, "c").id();
        String d = cwl.add(GROUP, "s1", T0 + 1000, "d").id();

        CloudWatchLogsSourceTask first = start(props(CloudWatchLogsSourceConfig.BATCH_SIZE, "3"), null);
        List<SourceRecord> batch = first.poll();
        assertThat(ids(batch)).containsExactly(a, b, c);
        // a ends its run: exact; b is inside the run at T0+1000: the run's start; c ends the batch: exact
        assertThat(batch.get(0).sourceOffset()).isEqualTo(Map.of(OFFSET_TIMESTAMP, T0, OFFSET_IDS, a));
        assertThat(batch.get(1).sourceOffset()).isEqualTo(Map.of(OFFSET_TIMESTAMP, T0 + 1000, OFFSET_IDS, ""));
        assertThat(batch.get(2).sourceOffset()).isEqualTo(Map.of(OFFSET_TIMESTAMP, T0 + 1000, OFFSET_IDS, b + "," + c));
        first.stop();

        // while stopped, one more event at the very same timestamp, and a later one
        String e = cwl.add(GROUP, "s3", T0 + 1000, "e").id();
        String f = cwl.add(GROUP, "s1", T0 + 2000, "f").id();
        @SuppressWarnings("unchecked")
        Map<String, Object> committed = (Map<String, Object>) batch.get(2).sourceOffset();
        List<SourceRecord> rest = drain(start(props(CloudWatchLogsSourceConfig.BATCH_SIZE, "3"), committed));
        assertThat(ids(rest)).containsExactly(d, e, f);
        assertThat(rest.get(2).sourceOffset()).isEqualTo(Map.of(OFFSET_TIMESTAMP, T0 + 2000, OFFSET_IDS, f));

        JsonNode resumed = new ObjectMapper().readTree(cwl.requests(CloudWatchLogsFake.FILTER).stream()
                .filter(r -> r.getBodyAsString().contains("\"startTime\":" + (T0 + 1000))).findFirst().orElseThrow().getBodyAsString());
        assertThat(resumed.path("logGroupName").asText()).isEqualTo(GROUP);
    }

    @Test
    void recordsCarryStreamMessageIdSourceAndEventTime() throws Exception {
        CloudWatchLogsFake.Event flow = cwl.add(GROUP, "eni-0abc-all", T0, "2 123456789012 eni-0abc 10.0.0.1 10.0.0.2 443 5000 6 1 40 1 2 ACCEPT OK");
        cwl.add(GROUP, "other", T0 + 1, "not a flow stream");
        CloudWatchLogsSourceTask task = start(props(CloudWatchLogsSourceConfig.LOG_STREAM_PREFIX, "eni-",
                CloudWatchLogsSourceConfig.FORMAT, "version account-id interface-id"), null);
        List<SourceRecord> records = drain(task);

        assertThat(records).hasSize(1);
        SourceRecord record = records.get(0);
        assertThat(record.topic()).isEqualTo("raw.test");
        assertThat(record.key()).isEqualTo("eni-0abc-all");
        assertThat(new String((byte[]) record.value(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(flow.message());
        assertThat(record.timestamp()).as("append time: the worker sets it").isNull();
        assertThat(record.sourcePartition()).isEqualTo(Map.of(CloudWatchLogsSourceTask.PARTITION_GROUP, GROUP));
        assertThat(record.headers().lastWithName(SecpipeHeaders.ID).value()).isEqualTo(flow.id());
        assertThat(record.headers().lastWithName(SecpipeHeaders.SOURCE).value())
                .isEqualTo("cwl:" + GROUP + "/eni-0abc-all#" + flow.id());
        assertThat(record.headers().lastWithName(SecpipeHeaders.FORMAT).value()).isEqualTo("version account-id interface-id");
        assertThat(record.headers().lastWithName(SecpipeHeaders.LOG_GROUP).value()).isEqualTo(GROUP);
        assertThat(record.headers().lastWithName(SecpipeHeaders.LOG_STREAM).value()).isEqualTo("eni-0abc-all");
        assertThat(record.headers().lastWithName(SecpipeHeaders.DELIVERY_TIME).value()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(record.headers().lastWithName(SecpipeHeaders.LOG_OWNER)).as("no role ARN: the owner is not known").isNull();
        assertThat(cwl.requests(CloudWatchLogsFake.FILTER).get(0).getBodyAsString()).contains("\"logStreamNamePrefix\":\"eni-\"");
        assertThat(metric("records-total")).isEqualTo(1.0);
        assertThat(metric("bytes-total")).isEqualTo((double) flow.message().length());
    }

    @Test
    void theOwnerIsTheAccountOfTheRoleReadThrough() {
        assertThat(CloudWatchLogsSourceTask.accountOf("arn:aws:iam::123456789012:role/secpipe-reader")).isEqualTo("123456789012");
        assertThat(CloudWatchLogsSourceTask.accountOf("arn:aws-us-gov:iam::210987654321:role/path/reader")).isEqualTo("210987654321");
        assertThat(CloudWatchLogsSourceTask.accountOf(null)).isNull();
        assertThat(CloudWatchLogsSourceTask.accountOf("arn:aws:s3:::bucket")).isNull();
        assertThat(CloudWatchLogsSourceTask.accountOf("not an arn")).isNull();
    }

    @Test
    void onlyEventsOlderThanTheIngestionDelayAreRead() throws Exception {
        long now = System.currentTimeMillis();
        String old = cwl.add(GROUP, "s", now - 120_000, "settled").id();
        cwl.add(GROUP, "s", now - 5_000, "may still have late neighbours");
        CloudWatchLogsSourceTask task = start(props(CloudWatchLogsSourceConfig.INGESTION_DELAY_MS, "60000"), null);
        assertThat(ids(drain(task))).containsExactly(old);
        long endTime = new ObjectMapper().readTree(cwl.requests(CloudWatchLogsFake.FILTER).get(0).getBodyAsString()).path("endTime").asLong();
        assertThat(endTime).isBetween(now - 60_000, System.currentTimeMillis() - 60_000);
    }

    @Test
    void startPositionLatestSkipsWhatWasThereAndAnInstantStartsThere() throws Exception {
        long now = System.currentTimeMillis();
        cwl.add(GROUP, "s", now - 10_000, "before the start");
        CloudWatchLogsSourceTask latest = start(props(CloudWatchLogsSourceConfig.START_POSITION, "latest"), null);
        assertThat(drain(latest)).isEmpty();
        String later = cwl.add(GROUP, "s", System.currentTimeMillis() + 5, "after the start").id();
        Thread.sleep(20);
        assertThat(ids(drain(latest))).containsExactly(later);

        String atInstant = cwl.add(GROUP, "s", T0, "at the instant").id();
        cwl.add(GROUP, "s", T0 - 1, "just before the instant");
        CloudWatchLogsSourceTask fromInstant = start(props(CloudWatchLogsSourceConfig.START_POSITION,
                java.time.Instant.ofEpochMilli(T0).toString()), null);
        assertThat(ids(drain(fromInstant))).startsWith(atInstant).doesNotContain(cwl.events(GROUP).get(3).id());
    }

    @Test
    void aMissingLogGroupIsPassedOverWhileTheOthersAreRead() throws Exception {
        String event = cwl.add(GROUP, "s", T0, "still read").id();
        CloudWatchLogsSourceTask task = start(props(CloudWatchLogsSourceConfig.LOG_GROUPS, "/secpipe/deleted," + GROUP), null);
        assertThat(ids(drain(task))).containsExactly(event);
        assertThat(cwl.requests(CloudWatchLogsFake.FILTER)).anyMatch(r -> r.getBodyAsString().contains("/secpipe/deleted"));
    }

    private double metric(String name) {
        return metrics.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .map(Map.Entry::getValue).mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum();
    }
}
