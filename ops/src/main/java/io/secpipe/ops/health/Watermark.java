package io.secpipe.ops.health;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * One disk watermark as the engine reads it: a used share ("85%", "0.85") or a free-space floor ("500mb").
 * Elasticsearch 8 caps a share's free-space requirement with {@code max_headroom} (OpenSearch has none: null).
 */
record Watermark(String name, String setting, BigDecimal usedRatio, Long freeBytes, Long maxHeadroom) {

    static Watermark parse(String name, String setting, String headroom) {
        String value = setting.trim();
        Long cap = headroom == null || headroom.trim().equals("-1") ? null : bytes(headroom);
        if (value.endsWith("%")) {
            return new Watermark(name, setting, new BigDecimal(value.substring(0, value.length() - 1)).movePointLeft(2), null, cap);
        }
        try {
            return new Watermark(name, setting, new BigDecimal(value), null, cap);
        } catch (NumberFormatException notARatio) {
            return new Watermark(name, setting, null, bytes(value), null);
        }
    }

    /** The free bytes a disk of this size must keep to stay under the watermark. */
    long requiredFree(long totalBytes) {
        if (freeBytes != null) {
            return freeBytes;
        }
        // exact decimal arithmetic: 1 - 0.85 in doubles is 0.15000000000000002, a byte too many
        long byRatio = BigDecimal.valueOf(totalBytes).multiply(BigDecimal.ONE.subtract(usedRatio)).setScale(0, RoundingMode.CEILING)
                .longValueExact();
        return maxHeadroom == null ? byRatio : Math.min(byRatio, maxHeadroom);
    }

    boolean exceeded(long totalBytes, long availableBytes) {
        return availableBytes < requiredFree(totalBytes);
    }

    /** Byte sizes as the engines write them: "200gb", "150GB", "512b", "1.5tb". */
    static long bytes(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        String[] units = {"pb", "tb", "gb", "mb", "kb", "b"};
        long[] factors = {1L << 50, 1L << 40, 1L << 30, 1L << 20, 1L << 10, 1};
        for (int i = 0; i < units.length; i++) {
            if (s.endsWith(units[i])) {
                return (long) (Double.parseDouble(s.substring(0, s.length() - units[i].length()).trim()) * factors[i]);
            }
        }
        return Long.parseLong(s);
    }
}
