package io.secpipe.ops.local;

import java.util.List;
import java.util.Locale;

/** The search engines the local stack can run, both from Maven Central's integration-test zips. */
public enum Engine {
    OPENSEARCH("opensearch", 21, "OPENSEARCH_JAVA_HOME", "OPENSEARCH_JAVA_OPTS", "OPENSEARCH_TMPDIR", List.of()),
    // the test zip has x-pack security switched on with self-signed TLS: the local stack runs plain HTTP
    ELASTICSEARCH("elasticsearch", 17, "ES_JAVA_HOME", "ES_JAVA_OPTS", "ES_TMPDIR", List.of("xpack.security.enabled=false"));

    final String distribution;
    final int minimumJava;
    final String javaHomeVariable;
    final String javaOptsVariable;
    final String tmpDirVariable;
    final List<String> extraSettings;

    Engine(String distribution, int minimumJava, String javaHomeVariable, String javaOptsVariable, String tmpDirVariable,
           List<String> extraSettings) {
        this.distribution = distribution;
        this.minimumJava = minimumJava;
        this.javaHomeVariable = javaHomeVariable;
        this.javaOptsVariable = javaOptsVariable;
        this.tmpDirVariable = tmpDirVariable;
        this.extraSettings = extraSettings;
    }

    public String displayName() {
        return distribution;
    }

    public static Engine parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
