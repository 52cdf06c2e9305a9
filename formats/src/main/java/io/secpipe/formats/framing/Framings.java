package io.secpipe.formats.framing;

import io.secpipe.formats.vpcflow.FlowLogFormat;
import java.util.List;

/** Builds a framing from its settings: the one place the connectors and the command-line tools share. */
public final class Framings {
    private Framings() {
    }

    /**
     * @param format       flowlog: the field list of files without a header line ({@code ${...}} allowed)
     * @param keyFields    jsonlines: dotted paths tried in order for the record key
     * @param csvKeyColumn csv: the column holding the record key
     */
    public static Framing create(FramingType type, String format, List<String> keyFields, String csvKeyColumn) {
        return switch (type) {
            case FLOWLOG -> new FlowLogFraming(parseFormat(format == null ? FlowLogFormat.DEFAULT_V2_STRING : format));
            case FLOWLOG_PARQUET -> new ParquetFlowLogFraming();
            case CLOUDTRAIL -> new CloudTrailFraming();
            case JSONLINES -> new JsonLinesFraming(keyFields == null ? List.of() : keyFields);
            case CWL_SUBSCRIPTION -> new CwlSubscriptionFraming();
            case CSV -> new CsvFraming(csvKeyColumn);
        };
    }

    /** Accepts AWS's own spelling, {@code ${version} ${account-id} ...}, as well as bare names. */
    public static List<String> parseFormat(String format) {
        return FlowLogFormat.tokens(format.replace("${", "").replace("}", ""));
    }
}
