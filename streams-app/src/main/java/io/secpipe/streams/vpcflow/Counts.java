package io.secpipe.streams.vpcflow;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Flows, bytes and packets: the sum a window keeps, 24 bytes in stores and repartition topics. */
public record Counts(long flows, long bytes, long packets) {

    public static final Counts ZERO = new Counts(0, 0, 0);

    public Counts plus(Counts other) {
        return new Counts(flows + other.flows, bytes + other.bytes, packets + other.packets);
    }

    public static Serde<Counts> serde() {
        return Serdes.serdeFrom(
                (topic, c) -> c == null ? null : ByteBuffer.allocate(24).putLong(c.flows).putLong(c.bytes).putLong(c.packets).array(),
                (topic, data) -> {
                    if (data == null) {
                        return null;
                    }
                    ByteBuffer b = ByteBuffer.wrap(data);
                    return new Counts(b.getLong(), b.getLong(), b.getLong());
                });
    }
}
