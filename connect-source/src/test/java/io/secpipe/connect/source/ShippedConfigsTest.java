package io.secpipe.connect.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every source config the project ships for an AWS account passes its connector's validate, as a worker would run it. */
class ShippedConfigsTest {

    // the module's directory is the working directory of its tests
    private static final Path AWS_CONFIGS = Path.of("../connector-configs/aws");

    static Stream<Path> awsConfigs() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(AWS_CONFIGS)) {
            files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("awsConfigs")
    void validates(Path file) throws Exception {
        Map<String, String> config = new HashMap<>();
        new ObjectMapper().readTree(file.toFile()).fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        SourceConnector connector = (SourceConnector) Class.forName(config.get("connector.class")).getConstructor().newInstance();
        Map<String, List<String>> errors = new TreeMap<>();
        for (ConfigValue value : connector.validate(config).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        assertThat(errors).as(file.toString()).isEmpty();
    }
}
