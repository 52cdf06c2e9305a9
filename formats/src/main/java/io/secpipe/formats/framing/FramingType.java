package io.secpipe.formats.framing;

import java.util.Arrays;
import java.util.List;

/** The framings by their configuration name. */
public enum FramingType {
    FLOWLOG("flowlog"),
    FLOWLOG_PARQUET("flowlog-parquet"),
    CLOUDTRAIL("cloudtrail"),
    JSONLINES("jsonlines"),
    CWL_SUBSCRIPTION("cwl-subscription"),
    CSV("csv");

    private final String configName;

    FramingType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The type named {@code name} (case-insensitive), or IllegalArgumentException naming the valid ones. */
    public static FramingType of(String name) {
        String wanted = name == null ? "" : name.strip();
        return Arrays.stream(values()).filter(t -> t.configName.equalsIgnoreCase(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown framing '" + name + "', expected one of " + names()));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(FramingType::configName).toList();
    }

    @Override
    public String toString() {
        return configName;
    }
}
