package io.secpipe.connect.sink;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An index name pattern such as {@code cwl-vpcflow-{yyyy.MM.dd}}: literal text, {@code {topic}}, and
 * date patterns in braces applied to the event time in UTC.
 */
final class IndexPattern {

    private interface Part {
        void append(StringBuilder out, String topic, Instant eventTime);
    }

    private final List<Part> parts = new ArrayList<>();
    private final boolean dated;

    IndexPattern(String pattern) {
        boolean hasDate = false;
        int i = 0;
        while (i < pattern.length()) {
            int open = pattern.indexOf('{', i);
            if (open < 0) {
                String literal = pattern.substring(i);
                parts.add((out, topic, time) -> out.append(literal));
                break;
            }
            int close = pattern.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '{' in index pattern '" + pattern + "'");
            }
            String literal = pattern.substring(i, open);
            parts.add((out, topic, time) -> out.append(literal));
            String inner = pattern.substring(open + 1, close);
            if (inner.equals("topic")) {
                parts.add((out, topic, time) -> out.append(topic));
            } else {
                DateTimeFormatter format = DateTimeFormatter.ofPattern(inner, Locale.ROOT).withZone(ZoneOffset.UTC);
                parts.add((out, topic, time) -> format.formatTo(time, out));
                hasDate = true;
            }
            i = close + 1;
        }
        this.dated = hasDate;
    }

    /** Whether the name depends on the event time (so every document needs one). */
    boolean dated() {
        return dated;
    }

    String indexFor(String topic, Instant eventTime) {
        StringBuilder out = new StringBuilder(32);
        for (Part part : parts) {
            part.append(out, topic, eventTime);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
