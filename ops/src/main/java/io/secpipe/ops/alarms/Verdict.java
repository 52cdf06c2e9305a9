package io.secpipe.ops.alarms;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/** How one expected alarm stands: ok, missing, or there but different (and in what). */
public record Verdict(ExpectedAlarm expected, Status status, MetricAlarm existing, List<Difference> differences) {

    public enum Status { OK, MISSING, MISMATCHED }

    /** One attribute the existing alarm has otherwise than the profile wants. */
    public record Difference(String attribute, String want, String have) {
        @Override
        public String toString() {
            return attribute + " " + have + " (want " + want + ")";
        }
    }

    /**
     * Judges the alarms on the expected alarm's metric: ok when one matches, else the closest is mismatched.
     *
     * @param actions the alarm actions the alarm must have; empty to leave actions unchecked
     */
    static Verdict judge(ExpectedAlarm expected, List<MetricAlarm> candidates, List<String> actions) {
        if (candidates.isEmpty()) {
            return new Verdict(expected, Status.MISSING, null, List.of());
        }
        MetricAlarm closest = candidates.stream()
                .min(Comparator.comparingInt((MetricAlarm a) -> differences(expected, a, actions).size()).thenComparing(MetricAlarm::alarmName))
                .orElseThrow();
        List<Difference> differences = differences(expected, closest, actions);
        return new Verdict(expected, differences.isEmpty() ? Status.OK : Status.MISMATCHED, closest, differences);
    }

    static List<Difference> differences(ExpectedAlarm want, MetricAlarm have, List<String> actions) {
        List<Difference> out = new ArrayList<>();
        String statistic = have.statistic() != null ? have.statisticAsString() : have.extendedStatistic();
        compare(out, "statistic", want.statistic(), statistic);
        compare(out, "period", String.valueOf(want.period()), String.valueOf(have.period()));
        compare(out, "evaluation periods", String.valueOf(want.evaluationPeriods()), String.valueOf(have.evaluationPeriods()));
        // unset means "all of the evaluation periods", the "N consecutive times" of the guidance
        Integer datapoints = have.datapointsToAlarm() != null ? have.datapointsToAlarm() : have.evaluationPeriods();
        compare(out, "datapoints to alarm", String.valueOf(want.evaluationPeriods()), String.valueOf(datapoints));
        compare(out, "comparison", want.comparison(), have.comparisonOperatorAsString());
        String threshold = have.threshold() == null ? "none" : Numbers.format(have.threshold());
        compare(out, "threshold", Numbers.format(want.threshold()), threshold);
        if (!actions.isEmpty()) {
            List<String> lacking = actions.stream().filter(a -> !have.alarmActions().contains(a)).toList();
            if (!lacking.isEmpty()) {
                out.add(new Difference("actions", "to include " + String.join(", ", lacking), have.alarmActions().toString()));
            } else if (Boolean.FALSE.equals(have.actionsEnabled())) {
                out.add(new Difference("actions enabled", "true", "false"));
            }
        }
        return out;
    }

    private static void compare(List<Difference> out, String attribute, String want, String have) {
        if (!Objects.equals(want, have)) {
            out.add(new Difference(attribute, want, have));
        }
    }
}
