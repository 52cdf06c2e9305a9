package io.secpipe.connect.source.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/** A check ConfigDef cannot make: every file named under a key exists and the worker may read it. */
public final class ReadableFiles {
    private ReadableFiles() {
    }

    /** Adds an error to {@code key}'s value, in a validate() result, for each file that is relative or unreadable. */
    public static Config check(Config config, String key) {
        for (ConfigValue value : config.configValues()) {
            if (value.name().equals(key) && value.errorMessages().isEmpty() && value.value() instanceof List<?> files) {
                for (Object file : files) {
                    Path path = Path.of(String.valueOf(file));
                    if (!path.isAbsolute()) {
                        value.addErrorMessage(key + ": '" + file + "' is not an absolute path");
                    } else if (!Files.isReadable(path)) {
                        value.addErrorMessage(key + ": '" + file + "' does not exist or is not readable by the worker");
                    }
                }
            }
        }
        return config;
    }
}
