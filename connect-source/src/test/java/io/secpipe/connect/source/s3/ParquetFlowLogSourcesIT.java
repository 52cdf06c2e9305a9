package io.secpipe.connect.source.s3;

import static io.secpipe.connect.source.ConnectCluster.header;
import static io.secpipe.connect.source.ConnectCluster.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.secpipe.connect.source.ConnectCluster;
import io.secpipe.connect.source.file.FileSourceConnector;
import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.SourcePosition;
import io.secpipe.formats.framing.ParquetFlowLogFiles;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 and file sources with {@code framing=flowlog-parquet}, in a real Connect worker: Parquet flow-log files
 * become a record per row, as the text lines of the same flows would be; input that is not a readable Parquet file
 * is an error record and the task goes on. The worker's classpath has no Hadoop.
 */
@Timeout(300)
class ParquetFlowLogSourcesIT {

    private static final String BUCKET = "parquet-flow-logs";
    /** AWS's layout with Hive-compatible S3 prefixes and hourly partitions. */
    private static final String PREFIX = "AWSLogs/aws-account-id=123456789010/aws-service=vpcflowlogs/";
    private static final String HOUR = PREFIX + "aws-region=eu-west-1/year=2026/month=11/day=01/hour=10/";

    private static S3Mock s3mock;
    private static S3Client s3;
    private static ConnectCluster cluster;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3mock = new S3Mock(BUCKET);
        s3 = s3mock.client();
        System.setProperty("aws.accessKeyId", S3Mock.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Mock.SECRET_KEY);
        cluster = new ConnectCluster("parquet-sources");
        for (String topic : List.of("raw.vpcflow", "dlq.vpcflow", "raw.files", "dlq.files")) {
            cluster.connect().kafka().createTopic(topic, 1);
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
        s3mock.close();
    }

    private static Map<String, String> config(String connectorClass, String topic, String errorsTopic) {
        Map<String, String> config = new HashMap<>();
        config.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, connectorClass);
        config.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        config.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        config.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, ByteArrayConverter.class.getName());
        config.put("topic", topic);
        config.put("errors.topic", errorsTopic);
        config.put("framing", "flowlog-parquet");
        config.put("poll.interval.ms", "500");
        return config;
    }

    @Test
    void s3ObjectsUnderHivePrefixesGiveARecordPerRowAndBadObjectsAnErrorRecord() throws Exception {
        String v2 = HOUR + "123456789010_vpcflowlogs_eu-west-1_fl-1234abcd_20261101T1005Z_a1b2c3d4.log.parquet";
        String custom = HOUR + "123456789010_vpcflowlogs_eu-west-1_fl-5678efab_20261101T1005Z_e5f6a7b8.log.parquet";
        String text = HOUR + "123456789010_vpcflowlogs_eu-west-1_fl-1234abcd_20261101T1010Z_c0ffee00.log.gz";
        String truncated = HOUR + "123456789010_vpcflowlogs_eu-west-1_fl-1234abcd_20261101T1015Z_deadbeef.log.parquet";
        put(v2, ParquetFlowLogFiles.write(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES));
        put(custom, ParquetFlowLogFiles.write(ParquetFlowLogFiles.TCP_FLAGS_FORMAT, ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES));
        byte[] textFile = (FlowLogFormat.DEFAULT_V2_STRING + "\n" + ParquetFlowLogFiles.V2_EXAMPLES.get(0) + "\n").getBytes(StandardCharsets.UTF_8);
        put(text, textFile); // a text flow log under the same prefix: a Parquet framing cannot read it
        byte[] whole = ParquetFlowLogFiles.write(FlowLogFormat.DEFAULT_V2_STRING, ParquetFlowLogFiles.V2_EXAMPLES);
        put(truncated, Arrays.copyOf(whole, whole.length - 100)); // the footer cut off

        Map<String, String> config = config(S3SourceConnector.class.getName(), "raw.vpcflow", "dlq.vpcflow");
        config.put("s3.bucket", BUCKET);
        config.put("s3.prefixes", PREFIX);
        config.put("s3.path.style.access", "true");
        config.put("aws.region", "us-east-1");
        config.put("aws.endpoint.override", s3mock.endpoint());
        cluster.connect().configureConnector("s3-parquet", config);

        List<ConsumerRecord<byte[], byte[]>> records = cluster.readCommitted(8, "raw.vpcflow");
        assertThat(records).hasSize(8);
        List<String> lines = new java.util.ArrayList<>(ParquetFlowLogFiles.V2_EXAMPLES);
        lines.addAll(ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES);
        assertThat(records).extracting(r -> text(r.value())).containsExactlyElementsOf(lines);
        for (int row = 1; row <= 4; row++) {
            ConsumerRecord<byte[], byte[]> fromV2 = records.get(row - 1);
            ConsumerRecord<byte[], byte[]> fromCustom = records.get(row + 3);
            assertThat(header(fromV2, SecpipeHeaders.SOURCE)).isEqualTo(SourcePosition.ofS3Object(BUCKET, v2, row).uri());
            assertThat(header(fromV2, SecpipeHeaders.ID)).isEqualTo(SourcePosition.ofS3Object(BUCKET, v2, row).documentId());
            assertThat(header(fromV2, SecpipeHeaders.FORMAT)).isEqualTo(FlowLogFormat.DEFAULT_V2_STRING);
            assertThat(header(fromCustom, SecpipeHeaders.SOURCE)).isEqualTo(SourcePosition.ofS3Object(BUCKET, custom, row).uri());
            assertThat(header(fromCustom, SecpipeHeaders.FORMAT)).isEqualTo(ParquetFlowLogFiles.TCP_FLAGS_FORMAT);
            assertThat(text(fromCustom.key())).isEqualTo("eni-1235b8ca123456789");
        }
        assertThat(text(records.get(3).key())).isEqualTo("eni-11111111aaaaaaaaa");

        List<ConsumerRecord<byte[], byte[]>> dead = cluster.readCommitted(2, "dlq.vpcflow");
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0), SecpipeHeaders.SOURCE)).isEqualTo(SourcePosition.ofS3Object(BUCKET, text, 1).uri());
        assertThat(header(dead.get(0), SecpipeHeaders.ERROR_MESSAGE)).startsWith("not a readable Parquet flow-log file: ")
                .contains("not a Parquet file");
        assertThat(dead.get(0).value()).as("the small file itself, to look at").isEqualTo(textFile);
        assertThat(header(dead.get(1), SecpipeHeaders.SOURCE)).isEqualTo(SourcePosition.ofS3Object(BUCKET, truncated, 1).uri());
        assertThat(header(dead.get(1), SecpipeHeaders.ERROR_MESSAGE)).startsWith("not a readable Parquet flow-log file: ");
        assertThat(header(dead.get(1), SecpipeHeaders.ERROR_STAGE)).isEqualTo("s3-source");
        cluster.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning("s3-parquet", 1, "bad objects must not stop the task");
    }

    @Test
    void theFileSourceReadsParquetFilesAndSendsAFileThatIsNoneToTheErrorsTopic() throws Exception {
        Path notParquet = dir.resolve("flows.log");
        Files.writeString(notParquet, "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n");
        Path parquet = dir.resolve("flows.log.parquet");
        Files.write(parquet, ParquetFlowLogFiles.write(ParquetFlowLogFiles.TCP_FLAGS_FORMAT, ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES));

        Map<String, String> config = config(FileSourceConnector.class.getName(), "raw.files", "dlq.files");
        config.put("files", notParquet + "," + parquet);
        cluster.connect().configureConnector("file-parquet", config);

        List<ConsumerRecord<byte[], byte[]>> records = cluster.readCommitted(4, "raw.files");
        assertThat(records).extracting(r -> text(r.value())).containsExactlyElementsOf(ParquetFlowLogFiles.TCP_FLAGS_EXAMPLES);
        assertThat(records).extracting(r -> header(r, SecpipeHeaders.SOURCE)).containsExactly(
                SourcePosition.ofFileLine(parquet, 1).uri(), SourcePosition.ofFileLine(parquet, 2).uri(),
                SourcePosition.ofFileLine(parquet, 3).uri(), SourcePosition.ofFileLine(parquet, 4).uri());
        assertThat(header(records.get(0), SecpipeHeaders.FORMAT)).isEqualTo(ParquetFlowLogFiles.TCP_FLAGS_FORMAT);

        List<ConsumerRecord<byte[], byte[]>> dead = cluster.readCommitted(1, "dlq.files");
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), SecpipeHeaders.SOURCE)).isEqualTo(SourcePosition.ofFileLine(notParquet, 1).uri());
        assertThat(header(dead.get(0), SecpipeHeaders.ERROR_MESSAGE)).startsWith("not a readable Parquet flow-log file: ");
        assertThat(header(dead.get(0), SecpipeHeaders.ERROR_STAGE)).isEqualTo("file-source");
        cluster.connect().assertions().assertConnectorAndExactlyNumTasksAreRunning("file-parquet", 1, "a bad file must not stop the task");
    }

    private static void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }
}
