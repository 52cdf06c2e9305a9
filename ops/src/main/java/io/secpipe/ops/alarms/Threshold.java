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
            return new PercentOfNodeStorage(node.get("percentOfNodeStorage").doubleValue(), node.path("withoutEbs").doubleValue(),
                    node.path("atLeast").doubleValue());
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
     * of one node's storage, never of the whole cluster's.
     */
    record PercentOfNodeStorage(double percent, double withoutEbs, double atLeast) implements Threshold {
        @Override
        public double value(Domain domain) {
            if (domain.ebsVolumeGiB() == null) {
                return withoutEbs;
            }
            return Math.max(atLeast, Math.floor(domain.ebsVolumeGiB() * 1024.0 * percent / 100));
        }
    }
}
