package io.secpipe.ops.dashboards;

import java.util.Arrays;

/**
 * Which product answers the saved-objects API. Both take the same NDJSON on the same path; they differ in
 * the header that satisfies their cross-site request forgery check.
 */
public enum Flavor {
    KIBANA("kibana", "kbn-xsrf"),
    OPENSEARCH_DASHBOARDS("opensearch-dashboards", "osd-xsrf");

    private final String id;
    private final String xsrfHeader;

    Flavor(String id, String xsrfHeader) {
        this.id = id;
        this.xsrfHeader = xsrfHeader;
    }

    public String id() {
        return id;
    }

    public String xsrfHeader() {
        return xsrfHeader;
    }

    public static Flavor of(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown flavor '" + id + "'; known: "
                        + Arrays.stream(values()).map(Flavor::id).toList()));
    }
}
