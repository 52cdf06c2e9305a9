package io.secpipe.streams.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the enforcer learns about one instance from any of its inputs: its state at a time. The
 * {@code origin} says which input: {@code inventory} (ref.instances), {@code state-change} (EventBridge
 * notification) or the API call's name (RunInstances, ...). Also the value the store keeps per instance.
 */
record InstanceEvent(String instanceId, String region, String state, String instanceType, String account,
                     long epochMillis, String origin) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Counted against the maximum: every instance not yet gone, shutting-down included, as the seed counts. */
    boolean counted() {
        return !"terminated".equals(state);
    }

    /** Pending and running are what a launch (RunInstances, or a start after a stop) turns an instance into. */
    boolean starting() {
        return "pending".equals(state) || "running".equals(state);
    }

    /** Missing type and account are taken from what was known before. */
    InstanceEvent over(InstanceEvent before) {
        if (before == null) {
            return this;
        }
        return new InstanceEvent(instanceId, region, state,
                instanceType != null ? instanceType : before.instanceType,
                account != null ? account : before.account, epochMillis, origin);
    }

    byte[] toBytes() {
        ObjectNode n = JSON.createObjectNode();
        n.put("instance_id", instanceId);
        n.put("region", region);
        n.put("state", state);
        if (instanceType != null) {
            n.put("instance_type", instanceType);
        }
        if (account != null) {
            n.put("account", account);
        }
        n.put("time", epochMillis);
        n.put("origin", origin);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InstanceEvent fromBytes(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            return new InstanceEvent(n.path("instance_id").asText(), n.path("region").asText(), n.path("state").asText(),
                    n.path("instance_type").asText(null), n.path("account").asText(null),
                    n.path("time").asLong(), n.path("origin").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
