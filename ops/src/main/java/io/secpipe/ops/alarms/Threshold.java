package io.secpipe.ops.alarms;

import com.fasterxml.jackson.databind.JsonNode;

/** An alarm threshold as a profile states it: a number, or a value derived from the domain. */
sealed interface Threshold {

    double value(Domain domain);

    static Threshold parse(JsonNode node) {
        if (node.isNumber()) {
            return new Fixed(node.doubleValue());
        }
        if (node.isTextual() && node.asText().equals("nodeCount")) {
            return new NodeCount();
        }
        if (node.has("percentOfNodeStorage")) {
            return new PercentOfNodeStorage(node.get("percentOfNodeStorage").doubleValue(), node.path("storageUnknown").doubleValue(),
                    node.path("freeAtLeast").doubleValue());
        }
        throw new IllegalArgumentException("unknown threshold " + node);
    }

    record Fixed(double threshold) implements Threshold {
        @Override
        public double value(Domain domain) {
            return threshold;
        }
    }

    /** The node count the domain should have: the {@code Nodes} alarm fires when one is missing. */
    record NodeCount() implements Threshold {
        @Override
        public double value(Domain domain) {
            return domain.allNodes();
        }
    }

    /**
     * FreeStorageSpace in MiB. CloudWatch's Minimum of it is the emptiest single node, so the threshold is a share
     * of one node's storage, never of the whole cluster's: of its EBS volume (whole MiB, as the seed truncated), or
     * of its instance storage when the instance type's is known (exactly: the seed's 4 GB m3.medium gives 819.2).
     *
     * @param storageUnknown the threshold when the node's storage is not known
     * @param freeAtLeast the least a {@code --free} value may set for {@code storageUnknown} (the seed's 2048)
     */
    record PercentOfNodeStorage(double percent, double storageUnknown, double freeAtLeast) implements Threshold {
        @Override
        public double value(Domain domain) {
            if (domain.ebsVolumeGiB() != null) {
                return Math.floor(domain.ebsVolumeGiB() * 1024.0 * percent / 100);
            }
            if (domain.instanceStoreGb() != null) {
                return domain.instanceStoreGb() * 1024.0 * percent / 100;
            }
            return storageUnknown;
        }

        /** The same with {@code free} MiB for nodes of unknown storage, raised to {@code freeAtLeast}. */
        PercentOfNodeStorage withFree(double free) {
            return new PercentOfNodeStorage(percent, Math.max(free, freeAtLeast), freeAtLeast);
        }
    }
}
