package io.secpipe.ops.alarms;

/** One alarm a profile wants on one domain, with its threshold worked out for that domain. */
public record ExpectedAlarm(String metric, String statistic, int period, int evaluationPeriods, String comparison,
                            double threshold) {

    /** "Maximum >= 1 for 5 x 60 s" */
    String describe() {
        return statistic + " " + symbol(comparison) + " " + Numbers.format(threshold) + " for " + evaluationPeriods + " x "
                + period + " s";
    }

    static String symbol(String comparison) {
        return switch (comparison) {
            case "GreaterThanOrEqualToThreshold" -> ">=";
            case "GreaterThanThreshold" -> ">";
            case "LessThanThreshold" -> "<";
            case "LessThanOrEqualToThreshold" -> "<=";
            default -> comparison;
        };
    }
}
