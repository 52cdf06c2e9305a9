package io.secpipe.formats.framing;

import static io.secpipe.formats.framing.Fixtures.frames;
import static io.secpipe.formats.framing.Fixtures.gzip;
import static io.secpipe.formats.framing.Fixtures.positions;
import static io.secpipe.formats.framing.Fixtures.resource;
import static io.secpipe.formats.framing.Fixtures.text;
import static io.secpipe.formats.framing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvFramingTest {

    private static final CsvFraming USERS = new CsvFraming("user_id");

    @Test
    void eachRowBecomesAJsonObjectKeyedByTheKeyColumn() throws IOException {
        List<Frame> frames = frames(USERS, resource("users.csv"));
        assertThat(positions(frames)).as("the line each row starts on").containsExactly(2L, 3L, 6L, 7L, 8L, 9L);
        assertThat(frames.get(0).key()).isEqualTo("u-1001");
        assertThat(text(frames.get(0).value()))
                .isEqualTo("{\"user_id\":\"u-1001\",\"display_name\":\"Doe, Jane\",\"department\":\"Security\",\"email\":\"jane@example.org\"}");
        assertThat(text(frames.get(1).value())).as("a quoted field across lines").contains("\"department\":\"Platform\\nOps\"");
        assertThat(text(frames.get(3).value())).as("doubled quotes").contains("\"display_name\":\"Ann \\\"AJ\\\" Jones\"");
        assertThat(frames.get(5).key()).as("last row without a newline").isEqualTo("u-1005");
    }

    @Test
    void aRowOfTheWrongWidthOrWithoutKeyIsAnErrorFrame() throws IOException {
        List<Frame> frames = frames(USERS, resource("users.csv"));
        Frame narrow = frames.get(2);
        assertThat(narrow.isError()).isTrue();
        assertThat(narrow.error()).isEqualTo("the row has 3 columns, the header 4");
        assertThat(text(narrow.value())).isEqualTo("u-1003,Kim Lee,Finance");
        assertThat(frames.get(4).error()).isEqualTo("empty key column 'user_id'");
        assertThat(frames.stream().filter(Frame::isError)).hasSize(2);
    }

    @Test
    void aHeaderWithoutTheKeyColumnIsOneErrorFrameAndTheEnd() throws IOException {
        List<Frame> frames = frames(new CsvFraming("uid"), resource("users.csv"));
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).position()).isEqualTo(1);
        assertThat(frames.get(0).error()).isEqualTo("the header has no key column 'uid'");
    }

    @Test
    void resumesAfterAPositionAndReadsGzip() throws IOException {
        assertThat(positions(frames(USERS, gzip(resource("users.csv")), 3))).containsExactly(6L, 7L, 8L, 9L);
        assertThat(frames(new CsvFraming(null), resource("users.csv")).get(0).key()).isNull();
    }

    @Test
    void anUnterminatedQuoteAtTheEndIsAnErrorFrame() throws IOException {
        List<Frame> frames = frames(USERS, utf8("user_id,name\nu-1,\"open\nstill open\n"));
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).position()).isEqualTo(2);
        assertThat(frames.get(0).error()).startsWith("unterminated quoted field");
    }
}
