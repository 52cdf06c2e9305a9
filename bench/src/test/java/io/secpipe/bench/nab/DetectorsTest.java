package io.secpipe.bench.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Choosing a detector by name needs no data. */
class DetectorsTest {

    @Test
    void anUnknownDetectorIsAClearError() {
        assertThatThrownBy(() -> Detectors.named("nope", Path.of("no-nab-here")))
                .hasMessageContaining("no detector 'nope'").hasMessageContaining("[null, rcf, rcf-tuning]");
        assertThat(Detectors.builtIn()).containsOnlyKeys("null", "rcf", "rcf-tuning");
        assertThat(Detectors.defaultName()).isEqualTo("rcf");
    }
}
