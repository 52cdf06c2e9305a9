package io.secpipe.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class HttpPortTest {

    private static Properties port(String value) {
        Properties props = new Properties();
        props.setProperty("http.port", value);
        return props;
    }

    @Test
    void defaultsTo8090AndTakesOffAndAnyPort() {
        assertThat(SecpipeStreamsApp.httpPort(new Properties())).isEqualTo(8090);
        assertThat(SecpipeStreamsApp.httpPort(port("-1"))).isEqualTo(-1);
        assertThat(SecpipeStreamsApp.httpPort(port(" 0 "))).isEqualTo(0);
        assertThat(SecpipeStreamsApp.httpPort(port("9404"))).isEqualTo(9404);
    }

    @Test
    void aBadPortNamesTheKey() {
        assertThatThrownBy(() -> SecpipeStreamsApp.httpPort(port("80a")))
                .hasMessage("http.port must be a port number, 0 (any free port) or -1 (off), not '80a'");
        assertThatThrownBy(() -> SecpipeStreamsApp.httpPort(port("70000")))
                .hasMessage("http.port must be a port number, 0 (any free port) or -1 (off), not '70000'");
    }
}
