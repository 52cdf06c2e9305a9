package io.secpipe.connect.sink;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Writing to data streams ({type}-{dataset}-{namespace}) instead of indices, with Confluent's keys. */
final class DataStreamSettings {

    static final String GROUP = "Data streams";
    static final String TYPE = "data.stream.type";
    static final String DATASET = "data.stream.dataset";
    static final String NAMESPACE = "data.stream.namespace";
    static final String TIMESTAMP_FIELD = "data.stream.timestamp.field";

    enum StreamType { NONE, LOGS, METRICS, TRACES, SYNTHETICS }

    private DataStreamSettings() {
    }

    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(TYPE, Type.STRING, "none", ConfigSupport.oneOf(StreamType.class), Importance.LOW,
                        "Write to the data stream <type>-<dataset>-<namespace> (op_type create) instead of index.pattern; "
                                + "'none' writes to indices.", GROUP, ++order, Width.SHORT, "Data stream type")
                .define(DATASET, Type.STRING, "", Importance.LOW,
                        "Dataset part of the data stream name; empty: the record's topic.", GROUP, ++order, Width.MEDIUM, "Dataset")
                .define(NAMESPACE, Type.STRING, "${topic}", Importance.LOW,
                        "Namespace part of the data stream name; ${topic} is the record's topic.",
                        GROUP, ++order, Width.MEDIUM, "Namespace")
                .define(TIMESTAMP_FIELD, Type.LIST, List.of(), Importance.LOW,
                        "Document fields whose first present value is copied to @timestamp, which a data stream requires.",
                        GROUP, ++order, Width.MEDIUM, "Timestamp fields");
    }
}
