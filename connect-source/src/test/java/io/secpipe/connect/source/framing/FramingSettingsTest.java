package io.secpipe.connect.source.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secpipe.formats.framing.CloudTrailFraming;
import io.secpipe.formats.framing.CsvFraming;
import io.secpipe.formats.framing.CwlSubscriptionFraming;
import io.secpipe.formats.framing.FlowLogFraming;
import io.secpipe.formats.framing.Frame;
import io.secpipe.formats.framing.FrameReader;
import io.secpipe.formats.framing.Framing;
import io.secpipe.formats.framing.FramingType;
import io.secpipe.formats.framing.JsonLinesFraming;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class FramingSettingsTest {

    private static AbstractConfig config(Map<String, String> props) {
        return new AbstractConfig(FramingSettings.define(new ConfigDef()), props);
    }

    @Test
    void eachTypeBuildsItsFraming() {
        assertThat(FramingSettings.create(config(Map.of()))).isInstanceOf(FlowLogFraming.class);
        assertThat(FramingSettings.create(config(Map.of("framing", "cloudtrail")))).isInstanceOf(CloudTrailFraming.class);
        assertThat(FramingSettings.create(config(Map.of("framing", "jsonlines", "key.field", "agent.name,hostname"))))
                .isInstanceOf(JsonLinesFraming.class);
        assertThat(FramingSettings.create(config(Map.of("framing", "CWL-Subscription")))).isInstanceOf(CwlSubscriptionFraming.class);
        assertThat(FramingSettings.create(config(Map.of("framing", "csv", "csv.key.column", "user_id")))).isInstanceOf(CsvFraming.class);
        assertThat(FramingSettings.type(config(Map.of("framing", "csv")))).isEqualTo(FramingType.CSV);
    }

    @Test
    void csvColumnsMakeTheCsvFramingReadFilesWithoutAHeaderRow() throws Exception {
        Framing framing = FramingSettings.create(config(Map.of("framing", "csv", "csv.key.column", "user_id",
                "csv.columns", "user_id, gender, segment_id")));
        try (FrameReader reader = framing.open(new ByteArrayInputStream("101,female,1\n".getBytes(StandardCharsets.UTF_8)))) {
            Frame first = reader.next(0);
            assertThat(first.position()).isEqualTo(1);
            assertThat(first.key()).isEqualTo("101");
            assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{\"user_id\":\"101\",\"gender\":\"female\",\"segment_id\":\"1\"}");
        }
        assertThatThrownBy(() -> config(Map.of("framing", "csv", "csv.columns", "user_id,gender,user_id")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value [user_id, gender, user_id] for configuration csv.columns: the column 'user_id' is named twice");
        assertThatThrownBy(() -> FramingSettings.create(config(Map.of("framing", "csv", "csv.key.column", "uid", "csv.columns", "user_id,gender"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value uid for configuration csv.key.column: the key column 'uid' is not one of the columns [user_id, gender]");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> config(Map.of("framing", "xml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown framing 'xml'").hasMessageContaining("cwl-subscription");
        assertThatThrownBy(() -> config(Map.of("format", "version nope"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown flow-log fields [nope]");
    }
}
