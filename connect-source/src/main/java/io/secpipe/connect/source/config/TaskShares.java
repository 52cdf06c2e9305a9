package io.secpipe.connect.source.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How a connector shares its units of work (files, prefixes, log groups, regions) out among its tasks. */
public final class TaskShares {
    private TaskShares() {
    }

    /**
     * Round robin over at most {@code maxTasks} tasks: each task gets the connector's settings with
     * {@code key} narrowed to its share, as a comma-separated list.
     */
    public static List<Map<String, String>> roundRobin(Map<String, String> props, String key, List<String> units, int maxTasks) {
        int taskCount = Math.min(maxTasks, units.size());
        List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < taskCount; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < units.size(); i++) {
            shares.get(i % taskCount).add(units.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<String> share : shares) {
            Map<String, String> config = new HashMap<>(props);
            config.put(key, String.join(",", share));
            configs.add(config);
        }
        return configs;
    }
}
