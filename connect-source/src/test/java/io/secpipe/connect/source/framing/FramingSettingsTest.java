package io.secpipe.connect.source.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.secpipe.formats.framing.CloudTrailFraming;
import io.secpipe.formats.framing.CsvFraming;
import io.secpipe.formats.framing.CwlSubscriptionFraming;
import io.secpipe.formats.framing.FlowLogFraming;
import io.secpipe.formats.framing.FramingType;
import io.secpipe.formats.framing.JsonLinesFraming;
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
        assertThat(FramingSettings.parseFormat("${version} ${interface-id}")).containsExactly("version", "interface-id");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> config(Map.of("framing", "xml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown framing 'xml'").hasMessageContaining("cwl-subscription");
        assertThatThrownBy(() -> config(Map.of("format", "version nope"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown flow-log fields [nope]");
    }
}
