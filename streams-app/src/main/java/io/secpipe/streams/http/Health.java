package io.secpipe.streams.http;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Liveness and readiness of one KafkaStreams instance, from its state changes, its restorations and its stream
 * threads. Registered as the instance's state listener (through {@link #onChange}) and global restore listener.
 */
public final class Health implements StateRestoreListener {

    /** States after which the instance never runs again. */
    private static final Set<KafkaStreams.State> DEAD = EnumSet.of(KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING);

    private final Supplier<Collection<String>> threadStates;
    private final AtomicInteger restoring = new AtomicInteger();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    /** {@code threadStates}: the state of every local stream thread (e.g. from {@code metadataForLocalThreads}). */
    public Health(Supplier<Collection<String>> threadStates) {
        this.threadStates = threadStates;
    }

    /**
     * The health of {@code streams}, registered as its global restore listener; its state listener must pass each
     * state on to {@link #onChange} (an instance has one state listener, which the app also uses).
     */
    public static Health of(KafkaStreams streams) {
        Health health = new Health(() -> threadStates(streams));
        streams.setGlobalStateRestoreListener(health);
        return health;
    }

    /** Each local stream thread's state; while the instance changes state it cannot say, which counts as alive. */
    private static Collection<String> threadStates(KafkaStreams streams) {
        try {
            return streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadState).toList();
        } catch (IllegalStateException e) {
            return List.of("UNKNOWN");
        }
    }

    public void onChange(KafkaStreams.State now) {
        state = now;
    }

    public KafkaStreams.State state() {
        return state;
    }

    public int restoring() {
        return restoring.get();
    }

    /** What is wrong with the instance, or null while it is alive (starting counts as alive). */
    public String notLive() {
        if (DEAD.contains(state)) {
            return "state " + state;
        }
        if (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING) {
            Collection<String> threads = threadStates.get();
            if (threads.stream().allMatch(t -> t.equals("DEAD") || t.equals("PENDING_SHUTDOWN"))) {
                return "state " + state + " but no stream thread alive " + threads;
            }
        }
        return null;
    }

    /** Why the instance cannot take traffic, or null when it is RUNNING with no restoration pending. */
    public String notReady() {
        String dead = notLive();
        if (dead != null) {
            return dead;
        }
        if (state != KafkaStreams.State.RUNNING) {
            return "state " + state;
        }
        int pending = restoring.get();
        return pending > 0 ? pending + " state store partition(s) restoring" : null;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
        restoring.incrementAndGet();
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        restoring.decrementAndGet();
    }

    /** A task moved to another thread or instance before its restoration ended: it is no longer pending here. */
    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        restoring.decrementAndGet();
    }
}
