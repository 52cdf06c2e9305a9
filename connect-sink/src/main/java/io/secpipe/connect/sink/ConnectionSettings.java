package io.secpipe.connect.sink;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Where the engine is and how patiently to talk to it: Confluent's connection, retry and proxy keys. */
final class ConnectionSettings {

    static final String GROUP = "Connection";
    static final String CONNECTION_URL = "connection.url";
    static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";
    static final String READ_TIMEOUT_MS = "read.timeout.ms";
    static final String MAX_RETRIES = "max.retries";
    static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    static final String PROXY_HOST = "proxy.host";
    static final String PROXY_PORT = "proxy.port";
    static final String PROXY_USERNAME = "proxy.username";
    static final String PROXY_PASSWORD = "proxy.password";

    private ConnectionSettings() {
    }

    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(CONNECTION_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ConnectionSettings::validateUrls, Importance.HIGH,
                        "Engine URLs, http:// or https://; requests go to the next one when one cannot be reached.",
                        GROUP, ++order, Width.LONG, "Connection URLs")
                .define(CONNECTION_TIMEOUT_MS, Type.INT, 1000, Range.atLeast(0), Importance.LOW,
                        "How long to wait for a connection to be established.", GROUP, ++order, Width.SHORT, "Connection timeout")
                .define(READ_TIMEOUT_MS, Type.INT, 3000, Range.atLeast(0), Importance.LOW,
                        "How long to wait for a response; 0 waits without limit.", GROUP, ++order, Width.SHORT, "Read timeout")
                .define(MAX_RETRIES, Type.INT, 5, Range.atLeast(0), Importance.LOW,
                        "Retries of a request that failed for a passing reason (429, 5xx, no connection) before the task fails.",
                        GROUP, ++order, Width.SHORT, "Max retries")
                .define(RETRY_BACKOFF_MS, Type.LONG, 100L, Range.atLeast(0), Importance.LOW,
                        "First wait before a retry; it doubles with each further retry (capped at a minute), with jitter.",
                        GROUP, ++order, Width.SHORT, "Retry backoff")
                .define(PROXY_HOST, Type.STRING, "", Importance.LOW,
                        "HTTP proxy host; empty: no proxy.", GROUP, ++order, Width.MEDIUM, "Proxy host")
                .define(PROXY_PORT, Type.INT, 8080, Range.between(1, 65535), Importance.LOW,
                        "HTTP proxy port.", GROUP, ++order, Width.SHORT, "Proxy port")
                .define(PROXY_USERNAME, Type.STRING, "", Importance.LOW,
                        "User for the proxy's basic authentication.", GROUP, ++order, Width.SHORT, "Proxy user")
                .define(PROXY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password for the proxy's basic authentication.", GROUP, ++order, Width.SHORT, "Proxy password");
    }

    private static void validateUrls(String name, Object value) {
        if (!(value instanceof List<?> urls) || urls.isEmpty()) {
            throw new ConfigException(name, value, "give at least one URL");
        }
        for (Object url : urls) {
            String s = String.valueOf(url).trim();
            if (!s.startsWith("http://") && !s.startsWith("https://")) {
                throw new ConfigException(name, s, "a URL must start with http:// or https://");
            }
        }
    }
}
