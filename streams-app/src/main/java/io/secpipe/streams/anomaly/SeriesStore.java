package io.secpipe.streams.anomaly;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Every series of one family in one changelogged key-value store, at most {@code maxSeries} of them:
 * {@code s|<series>} its state, {@code u|<sequence>} its name in update order (the oldest first, to evict),
 * {@code m|sequence} and {@code m|count}. The most recently used series also stay deserialized in memory;
 * the store is written through on every change, so the memory copy is never the only one.
 */
final class SeriesStore {

    private static final String STATE = "s|";
    private static final String ORDER = "u|";
    private static final String SEQUENCE = "m|sequence";
    private static final String COUNT = "m|count";

    private final KeyValueStore<String, byte[]> store;
    private final int maxSeries;
    private final int fields;
    private final Map<String, Series> cache;

    SeriesStore(KeyValueStore<String, byte[]> store, int maxSeries, int cacheSize, int fields) {
        this.store = store;
        this.maxSeries = maxSeries;
        this.fields = fields;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Series> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /** The series, or null if it is not stored. */
    Series find(String name) {
        Series series = cache.get(name);
        if (series == null) {
            byte[] bytes = store.get(STATE + name);
            if (bytes != null) {
                series = Series.fromBytes(name, bytes, fields);
                cache.put(name, series);
            }
        }
        return series;
    }

    /** Makes room for one more series: evicts the least recently updated; returns its name, or null. */
    String makeRoom() {
        if (number(COUNT) < maxSeries) {
            return null;
        }
        try (KeyValueIterator<String, byte[]> oldest = store.range(ORDER, ORDER + Character.MAX_VALUE)) {
            if (!oldest.hasNext()) {
                throw new IllegalStateException("series count " + number(COUNT) + " but no series in the update order");
            }
            KeyValue<String, byte[]> entry = oldest.next();
            String name = new String(entry.value, java.nio.charset.StandardCharsets.UTF_8);
            store.delete(entry.key);
            store.delete(STATE + name);
            cache.remove(name);
            store.put(COUNT, bytes(number(COUNT) - 1));
            return name;
        }
    }

    /** Writes {@code series} (new or changed) as the most recently updated one. */
    void save(Series series, boolean isNew) {
        if (isNew) {
            store.put(COUNT, bytes(number(COUNT) + 1));
        } else {
            store.delete(order(series.updateSequence));
        }
        long sequence = number(SEQUENCE) + 1;
        store.put(SEQUENCE, bytes(sequence));
        series.updateSequence = sequence;
        store.put(order(sequence), series.name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        store.put(STATE + series.name, series.toBytes());
        cache.put(series.name, series);
    }

    long count() {
        return number(COUNT);
    }

    void clearCache() {
        cache.clear();
    }

    private static String order(long sequence) {
        return ORDER + String.format("%019d", sequence); // zero-padded: the store's byte order is the update order
    }

    private long number(String key) {
        byte[] b = store.get(key);
        return b == null ? 0 : ByteBuffer.wrap(b).getLong();
    }

    private static byte[] bytes(long n) {
        return ByteBuffer.allocate(Long.BYTES).putLong(n).array();
    }
}
