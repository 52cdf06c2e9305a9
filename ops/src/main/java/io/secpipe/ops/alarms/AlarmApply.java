package io.secpipe.ops.alarms;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/**
 * Puts the missing and mismatched alarms of a check, and nothing else. A mismatched alarm keeps its name, its other
 * actions and its missing-data treatment; a new one is named {@code secpipe-<domain>-<metric>}. Either way the next
 * check finds it by metric and dimensions, so a second apply changes nothing.
 */
public final class AlarmApply {

    /** One PutMetricAlarm to make: {@code create} for a missing alarm, {@code update} for a mismatched one. */
    public record Change(String action, Domain domain, Verdict verdict, PutMetricAlarmRequest request) {
    }

    private AlarmApply() {
    }

    /** @param actions the alarm actions every alarm gets (a new one) or keeps and gains (an updated one) */
    public static List<Change> plan(List<AlarmCheck.DomainReport> reports, AlarmProfile profile, List<String> actions) {
        List<Change> changes = new ArrayList<>();
        for (AlarmCheck.DomainReport report : reports) {
            for (Verdict v : report.verdicts()) {
                if (v.status() == Verdict.Status.MISSING) {
                    changes.add(new Change("create", report.domain(), v, create(report.domain(), v.expected(), profile, actions)));
                } else if (v.status() == Verdict.Status.MISMATCHED) {
                    changes.add(new Change("update", report.domain(), v, update(report.domain(), v.expected(), v.existing(), actions)));
                }
            }
        }
        return changes;
    }

    static String alarmName(Domain domain, String metric) {
        return "secpipe-" + domain.name() + "-" + metric;
    }

    private static PutMetricAlarmRequest create(Domain domain, ExpectedAlarm want, AlarmProfile profile, List<String> actions) {
        return definition(domain, want).alarmName(alarmName(domain, want.metric()))
                .alarmDescription("secpipe " + profile.name() + ": " + want.metric() + " " + want.describe())
                .actionsEnabled(true).alarmActions(List.copyOf(actions)).build();
    }

    private static PutMetricAlarmRequest update(Domain domain, ExpectedAlarm want, MetricAlarm have, List<String> actions) {
        // PutMetricAlarm replaces the whole definition: carry over what the profile does not decide
        Set<String> all = new LinkedHashSet<>(have.alarmActions());
        all.addAll(actions);
        return definition(domain, want).alarmName(have.alarmName()).alarmDescription(have.alarmDescription())
                .actionsEnabled(!actions.isEmpty() || !Boolean.FALSE.equals(have.actionsEnabled()))
                .alarmActions(List.copyOf(all)).okActions(have.okActions()).insufficientDataActions(have.insufficientDataActions())
                .treatMissingData(have.treatMissingData()).build();
    }

    private static PutMetricAlarmRequest.Builder definition(Domain domain, ExpectedAlarm want) {
        return PutMetricAlarmRequest.builder().namespace(ExistingAlarms.NAMESPACE).metricName(want.metric())
                .dimensions(Dimension.builder().name("DomainName").value(domain.name()).build(),
                        Dimension.builder().name("ClientId").value(domain.accountId()).build())
                .statistic(want.statistic()).period(want.period()).evaluationPeriods(want.evaluationPeriods())
                .datapointsToAlarm(want.evaluationPeriods()).comparisonOperator(want.comparison()).threshold(want.threshold());
    }
}
