package io.secpipe.ops.alarms;

import java.math.BigDecimal;

final class Numbers {

    private Numbers() {
    }

    /** 25600.0 as "25600", 0.5 as "0.5": thresholds as people write them. */
    static String format(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
