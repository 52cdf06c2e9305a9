package io.secpipe.ops.health;

import java.util.Locale;

/** One line of the health report: what was checked, how it stands, and the figures behind it. */
public record Finding(String check, Level level, String detail) {

    /** {@code FAIL} makes {@code secpipe health} exit non-zero: the cluster is red or refuses writes. */
    public enum Level {
        OK, WARN, FAIL;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
