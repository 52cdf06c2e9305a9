package io.secpipe.formats.framing;

import io.secpipe.formats.SecpipeHeaders;
import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * VPC Flow Logs files: a first line that names fields is the header and sets the field list (else
 * {@code defaultFormat}, see {@link io.secpipe.formats.vpcflow.FlowLogFormat#isHeader}); blank lines are
 * skipped; each other line is a record, untouched, keyed by its interface id, with the field list in
 * {@code secpipe.format}.
 */
public final class FlowLogFraming extends LineFraming {

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
                if (number == 1) {
                    String text = new String(line, StandardCharsets.UTF_8);
                    if (FlowLogFormat.isHeader(text)) {
                        format = FlowLogFormat.tokens(text);
                        formatHeader = String.join(" ", format);
                        return true;
                    }
                }
                return false;
            }

            @Override
            Frame frame(long number, byte[] line) {
                return Frame.record(number, line, interfaceId(new String(line, StandardCharsets.UTF_8)),
                        Map.of(SecpipeHeaders.FORMAT, formatHeader));
            }

            /** Keeps one ENI's flows in order on one partition; a line of the wrong width has no key. */
            private String interfaceId(String text) {
                int index = format.indexOf("interface-id");
                List<String> values = FlowLogFormat.tokens(text);
                return index >= 0 && values.size() == format.size() ? values.get(index) : null;
            }
        };
    }
}
