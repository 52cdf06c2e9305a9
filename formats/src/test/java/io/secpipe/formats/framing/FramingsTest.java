package io.secpipe.formats.framing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FramingsTest {

    @Test
    void aFormatIsReadInAwsSpellingOrAsBareNames() {
        assertThat(Framings.parseFormat("${version} ${interface-id}")).containsExactly("version", "interface-id");
        assertThat(Framings.parseFormat("version interface-id")).containsExactly("version", "interface-id");
    }
}
