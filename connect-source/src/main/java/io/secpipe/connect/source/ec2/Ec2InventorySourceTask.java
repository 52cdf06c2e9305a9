package io.secpipe.connect.source.ec2;

import io.secpipe.formats.PluginVersion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secpipe.connect.source.ec2.Ec2Documents.Kind;
import io.secpipe.connect.source.errors.ErrorRecords;
import io.secpipe.connect.source.metrics.SourceTaskMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Sweeps its regions every {@code poll.interval.minutes}: each poll() reads one resource kind of one
 * region completely (all pages) and returns its documents followed by a tombstone for every id written
 * by the previous sweep of that region and kind but not seen now.
 *
 * <p>The ids of the last sweep survive a restart in the source offset of partition {region, resource}:
 * {@code {"keys": "id1,id2,..."}} (offsets allow only primitive values). Every record of a sweep but the
 * last carries the union of the previous and the new ids, the last one only the new ids; so whichever
 * record's offset was committed last, each id that may be in the topic is in the committed set, and a
 * restarted task can tombstone it once it disappears. With exactly-once support a sweep is one
 * transaction. Limit: an offset is one Kafka message, so about 40,000 ids per region and kind with
 * the default 1 MB message size.
 */
public class Ec2InventorySourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(Ec2InventorySourceTask.class);
    static final String PARTITION_REGION = "region";
    static final String PARTITION_RESOURCE = "resource";
    static final String OFFSET_KEYS = "keys";
    private static final long MAX_IDLE_SLEEP_MS = 1000;
    /** The largest page each Describe call allows; asking for pages is what AWS recommends for big accounts. */
    private static final int PAGE_SIZE = 1000;

    private Ec2InventoryConfig config;
    private final Map<String, Ec2Client> clients = new LinkedHashMap<>();
    private final Deque<Sweep> pending = new ArrayDeque<>();
    /** Ids written by the last sweep, per partition: the baseline for tombstones; read from the offset on first use. */
    private final Map<Map<String, String>, Set<String>> known = new HashMap<>();
    private final Map<Map<String, String>, Long> lastSweep = new HashMap<>();
    private long nextRoundAt;
    private SourceTaskMetrics metrics;
    private volatile boolean stopping;

    record Sweep(String region, Kind kind) {
        Map<String, String> partition() {
            return Map.of(PARTITION_REGION, region, PARTITION_RESOURCE, kind.id());
        }

        String source() {
            return "ec2:" + region + "/" + kind.action;
        }
    }

    @Override
    public void start(Map<String, String> props) {
        config = new Ec2InventoryConfig(props);
        metrics = new SourceTaskMetrics(context);
        long now = System.currentTimeMillis();
        for (String region : config.regions()) {
            // the Apache client named explicitly: no classpath scan that may find several HTTP clients in a worker
            clients.put(region, config.aws().configure(Ec2Client.builder())
                    .region(Region.of(region))
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .build());
            for (Kind kind : config.resources()) {
                lastSweep.put(new Sweep(region, kind).partition(), now);
            }
        }
        nextRoundAt = now;
        log.info("EC2 inventory of {} in {}, every {} ms", config.resources(), config.regions(), config.pollIntervalMs());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        if (pending.isEmpty()) {
            long wait = nextRoundAt - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(Math.min(wait, MAX_IDLE_SLEEP_MS));
                return null;
            }
            nextRoundAt = System.currentTimeMillis() + config.pollIntervalMs();
            for (String region : config.regions()) {
                for (Kind kind : config.resources()) {
                    pending.add(new Sweep(region, kind));
                }
            }
        }
        List<SourceRecord> records = sweep(pending.poll());
        long now = System.currentTimeMillis();
        metrics.lag(now - lastSweep.values().stream().mapToLong(Long::longValue).min().orElse(now));
        return records.isEmpty() ? null : records;
    }

    private List<SourceRecord> sweep(Sweep sweep) {
        long started = System.currentTimeMillis();
        List<JsonNode> resources;
        try {
            resources = fetch(sweep);
        } catch (SdkException | IllegalStateException e) {
            if (!stopping) {
                // no tombstones from a partial answer: this region and kind wait for the next sweep
                log.warn("{} failed, retried at the next sweep: {}", sweep.source(), e.toString());
            }
            return List.of();
        }
        Map<String, String> partition = sweep.partition();
        Set<String> previous = known.computeIfAbsent(partition, this::committedKeys);
        String topic = config.topic(sweep.kind());

        Map<String, String> documents = new LinkedHashMap<>();
        List<JsonNode> unusable = new ArrayList<>();
        for (JsonNode resource : resources) {
            try {
                ObjectNode document = Ec2Documents.toDocument(sweep.kind(), resource, sweep.region());
                documents.put(Ec2Documents.key(sweep.kind(), document), Ec2Documents.json(document));
            } catch (IllegalArgumentException e) {
                unusable.add(resource);
            }
        }
        Set<String> current = new TreeSet<>(documents.keySet());
        Set<String> union = new TreeSet<>(previous);
        union.addAll(current);
        Map<String, Object> unionOffset = Map.of(OFFSET_KEYS, String.join(",", union));

        List<SourceRecord> records = new ArrayList<>();
        documents.forEach((key, value) -> {
            records.add(Ec2Documents.record(topic, partition, unionOffset, key, value, sweep.source()));
            metrics.record(value.length());
        });
        for (JsonNode resource : unusable) {
            byte[] raw = Ec2Documents.json(resource).getBytes(StandardCharsets.UTF_8);
            records.add(ErrorRecords.of(config.errorsTopic(), partition, unionOffset, sweep.source(), raw,
                    IllegalArgumentException.class.getName(), sweep.kind().cliArray + " entry without " + sweep.kind().idMember,
                    "ec2-inventory"));
            metrics.error(raw.length);
        }
        for (String gone : previous) {
            if (!current.contains(gone)) {
                records.add(Ec2Documents.record(topic, partition, unionOffset, gone, null, sweep.source()));
                metrics.record(0);
            }
        }
        if (!records.isEmpty()) {
            SourceRecord last = records.remove(records.size() - 1);
            records.add(new SourceRecord(partition, Map.of(OFFSET_KEYS, String.join(",", current)), last.topic(),
                    last.kafkaPartition(), last.keySchema(), last.key(), last.valueSchema(), last.value(), last.timestamp(),
                    last.headers()));
        }
        known.put(partition, current);
        lastSweep.put(partition, started);
        log.debug("{}: {} documents, {} tombstones, {} unusable", sweep.source(), documents.size(),
                records.size() - documents.size() - unusable.size(), unusable.size());
        return records;
    }

    /** Every resource of one kind in one region, through all pages, as the CLI would print it. */
    private List<JsonNode> fetch(Sweep sweep) {
        Ec2Client client = clients.get(sweep.region());
        Stream<JsonNode> resources = switch (sweep.kind()) {
            case ENI -> client.describeNetworkInterfacesPaginator(r -> r.maxResults(PAGE_SIZE))
                    .networkInterfaces().stream().map(Ec2Documents::toCliJson);
            case SECURITY_GROUP -> client.describeSecurityGroupsPaginator(r -> r.maxResults(PAGE_SIZE))
                    .securityGroups().stream().map(Ec2Documents::toCliJson);
            case INSTANCE -> client.describeInstancesPaginator(r -> r.maxResults(PAGE_SIZE))
                    .reservations().stream().map(Ec2Documents::toCliJson).flatMap(r -> Ec2Documents.instancesOf(r).stream());
        };
        return resources.toList();
    }

    private Set<String> committedKeys(Map<String, String> partition) {
        Map<String, Object> offset = context.offsetStorageReader().offset(partition);
        Object keys = offset == null ? null : offset.get(OFFSET_KEYS);
        Set<String> ids = new TreeSet<>();
        if (keys != null && !keys.toString().isEmpty()) {
            ids.addAll(Arrays.asList(keys.toString().split(",")));
        }
        return ids;
    }

    @Override
    public void stop() {
        stopping = true;
        // a request in flight fails on the closed client; poll() sees stopping and returns quietly
        clients.values().forEach(Ec2Client::close);
    }

    @Override
    public String version() {
        return PluginVersion.of(getClass());
    }
}
