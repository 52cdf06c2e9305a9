package io.secpipe.formats.framing;

/**
 * How long each target fuzzes in its bounded run (JAZZER_FUZZ=1, one surefire execution per target; see the pom):
 * short enough for CI's budget. Longer runs by hand: see README, "Fuzzing".
 */
final class FuzzBudget {
    static final String PER_TARGET = "15s";

    private FuzzBudget() {
    }
}
