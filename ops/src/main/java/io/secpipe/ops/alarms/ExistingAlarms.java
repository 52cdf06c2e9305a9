package io.secpipe.ops.alarms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * The account's metric alarms on domain-level {@code AWS/ES} metrics, found by what they watch (metric, domain,
 * account), not by name: an alarm made by hand or by another tool counts as much as one {@code apply} made.
 */
final class ExistingAlarms {

    static final String NAMESPACE = "AWS/ES";

    private record Key(String domain, String accountId, String metric) {
    }

    private final Map<Key, List<MetricAlarm>> alarms = new HashMap<>();

    /** Reads every metric alarm through the DescribeAlarms paginator. */
    static ExistingAlarms load(CloudWatchClient client) {
        ExistingAlarms existing = new ExistingAlarms();
        client.describeAlarmsPaginator(r -> r.alarmTypes(AlarmType.METRIC_ALARM)).metricAlarms().forEach(existing::add);
        return existing;
    }

    private void add(MetricAlarm alarm) {
        if (!NAMESPACE.equals(alarm.namespace()) || alarm.metricName() == null) {
            return;
        }
        // exactly the domain's two dimensions: an alarm that also names a NodeId watches one node, not the domain
        Map<String, String> dims = new HashMap<>();
        for (Dimension d : alarm.dimensions()) {
            dims.put(d.name(), d.value());
        }
        if (dims.size() == 2 && dims.containsKey("DomainName") && dims.containsKey("ClientId")) {
            alarms.computeIfAbsent(new Key(dims.get("DomainName"), dims.get("ClientId"), alarm.metricName()), k -> new ArrayList<>())
                    .add(alarm);
        }
    }

    List<MetricAlarm> on(Domain domain, String metric) {
        return alarms.getOrDefault(new Key(domain.name(), domain.accountId(), metric), List.of());
    }
}
