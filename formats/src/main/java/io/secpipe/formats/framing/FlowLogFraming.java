package io.secpipe.formats.framing;

import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * VPC and Transit Gateway Flow Logs files. A line that names fields (see
 * {@link io.secpipe.formats.vpcflow.FlowLogFormat#isHeader}) is a header, on whatever line it stands: it sets
 * the field list of the lines after it (until the next header) and is no record. Before any header the field
 * list is {@code defaultFormat}. Blank lines are skipped. Each other line is a record, untouched, with the field
 * list in {@code secpipe.format}, keyed by the resource that reported it (see {@link #resourceKey}).
 */
public final class FlowLogFraming extends LineFraming {

    /** Key fields, in order of preference: one resource's flows stay in order on one partition. */
    private static final List<String> KEY_FIELDS = List.of("interface-id", "tgw-attachment-id", "tgw-id");

    private final List<String> defaultFormat;

    public FlowLogFraming(List<String> defaultFormat) {
        this.defaultFormat = List.copyOf(defaultFormat);
    }

    @Override
    FrameReader reader(Lines lines, InputStream in) {
        return new Reader(lines, in) {
            private List<String> format = defaultFormat;
            private String formatHeader = String.join(" ", defaultFormat);

            @Override
            boolean header(long number, byte[] line) {
                // concatenated files and several header blocks in one file: every header switches the format
                String text = new String(line, StandardCharsets.UTF_8);
                if (FlowLogFormat.isHeader(text)) {
                    format = FlowLogFormat.tokens(text);
                    formatHeader = String.join(" ", format);
                    return true;
                }
                return false;
            }

            @Override
            Frame frame(long number, byte[] line) {
                return Frame.record(number, line, resourceKey(format, FlowLogFormat.tokens(new String(line, StandardCharsets.UTF_8))),
                        Map.of(SecpipeHeaders.FORMAT, formatHeader));
            }
        };
    }

    /**
     * The interface id; for a transit-gateway flow, which has none, its attachment id, else the transit gateway's
     * id. Null when the line has none of them, or is of the wrong width (its values cannot be told apart).
     */
    static String resourceKey(List<String> format, List<String> values) {
        if (values.size() != format.size()) {
            return null;
        }
        for (String field : KEY_FIELDS) {
            int index = format.indexOf(field);
            if (index >= 0 && !values.get(index).equals("-")) {
                return values.get(index);
            }
        }
        return null;
    }
}
