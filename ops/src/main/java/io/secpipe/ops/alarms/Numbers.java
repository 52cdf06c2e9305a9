package io.secpipe.ops.alarms;

import java.math.BigDecimal;

final class Numbers {

    private Numbers() {
    }

    /** 25600.0 as "25600", 0.5 as "0.5": thresholds as people write them. */
    static String format(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** 2048.0 as "2048.0", 819.2 as "819.2": as the seed's Python printed its floats. */
    static String asFloat(double value) {
        String s = format(value);
        return s.contains(".") ? s : s + ".0";
    }
}
