package io.secpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Secrets never sit in what the project ships: every setting of a connector config or a container-stack properties
 * file whose name says it holds a secret is empty or a config-provider reference ({@code ${env:...}},
 * {@code ${file:...}}), which the worker resolves at run time and never writes back.
 */
class ShippedSecretsTest {

    private static final Path ROOT = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|api\\.key|token|credentials?)([.].*)?");
    /** Names of secrets' whereabouts, not secrets: where a key store is, which provider class reads them. */
    private static final Pattern NOT_A_SECRET = Pattern.compile("(?i).*(\\.location|\\.type|\\.class|\\.provider|\\.file)$");
    private static final Pattern PROVIDER_REFERENCE = Pattern.compile("\\$\\{[a-zA-Z0-9_-]+:[^}]*}");

    @Test
    void everySecretSettingIsEmptyOrAConfigProviderReference() throws IOException {
        Map<String, String> settings = new TreeMap<>();
        for (Path file : files(ROOT.resolve("connector-configs"), ".json")) {
            JsonNode config = new ObjectMapper().readTree(file.toFile());
            config.properties().forEach(e -> settings.put(ROOT.relativize(file) + ": " + e.getKey(), e.getValue().asText()));
        }
        for (Path file : files(ROOT.resolve("docker"), ".properties")) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                props.load(reader);
            }
            props.stringPropertyNames().forEach(key -> settings.put(ROOT.relativize(file) + ": " + key, props.getProperty(key)));
        }
        assertThat(settings).as("the shipped settings were read").hasSizeGreaterThan(100);

        List<String> literal = new ArrayList<>();
        settings.forEach((where, value) -> {
            String key = where.substring(where.indexOf(": ") + 2);
            if (SECRET_NAME.matcher(key).matches() && !NOT_A_SECRET.matcher(key).matches()
                    && !value.isEmpty() && !PROVIDER_REFERENCE.matcher(value).matches()) {
                literal.add(where);
            }
        });
        assertThat(literal).as("settings that hold a literal secret").isEmpty();
    }

    @Test
    void theRuleCatchesALiteralPasswordAndLetsAReferenceThrough() {
        assertThat(SECRET_NAME.matcher("connection.password").matches()).isTrue();
        assertThat(SECRET_NAME.matcher("elastic.https.ssl.keystore.password").matches()).isTrue();
        assertThat(SECRET_NAME.matcher("connection.api.key").matches()).isTrue();
        assertThat(NOT_A_SECRET.matcher("elastic.https.ssl.keystore.location").matches()).isTrue();
        assertThat(PROVIDER_REFERENCE.matcher("${env:SECPIPE_ENGINE_PASSWORD}").matches()).isTrue();
        assertThat(PROVIDER_REFERENCE.matcher("hunter2").matches()).isFalse();
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
