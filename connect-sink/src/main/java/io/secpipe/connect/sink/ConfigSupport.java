package io.secpipe.connect.sink;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validators and enum parsing shared by the config groups. Enum values are case-insensitive, as in Confluent's sink. */
final class ConfigSupport {

    private ConfigSupport() {
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    }

    static <E extends Enum<E>> ConfigDef.Validator oneOf(Class<E> type) {
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value != null && !allowed.contains(value.toString().trim().toLowerCase(Locale.ROOT))) {
                    throw new ConfigException(name, value, "must be one of " + allowed);
                }
            }

            @Override
            public String toString() {
                return allowed.toString();
            }
        };
    }
}
