package io.secpipe.formats.framing;

import static io.secpipe.formats.framing.Fixtures.concat;
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

    /**
     * The seed's reference data (Gunosy's users, mapped by position as USER_ID 0, GENDER 1, SEGMENT_ID 2) has no
     * header row: with csv.columns every row is data, and the records are those of the same rows under a header.
     */
    @Test
    void headerlessRowsWithConfiguredColumnsFrameAsTheHeaderFormDoes() throws IOException {
        byte[] seed = resource("seed-users.csv");
        List<Frame> headerless = frames(new CsvFraming("user_id", List.of("user_id", "gender", "segment_id")), seed);
        List<Frame> withHeader = frames(USERS, concat(utf8("user_id,gender,segment_id\n"), seed));
        assertThat(positions(headerless)).as("the first row is data").containsExactly(1L, 2L, 3L);
        assertThat(headerless).extracting(Frame::key).containsExactly("101", "102", "103");
        assertThat(headerless).extracting(f -> text(f.value())).containsExactly(
                "{\"user_id\":\"101\",\"gender\":\"female\",\"segment_id\":\"1\"}",
                "{\"user_id\":\"102\",\"gender\":\"male\",\"segment_id\":\"2\"}",
                "{\"user_id\":\"103\",\"gender\":\"female\",\"segment_id\":\"3\"}");
        assertThat(headerless).extracting(f -> f.key() + " " + text(f.value()))
                .isEqualTo(withHeader.stream().map(f -> f.key() + " " + text(f.value())).toList());
        // without csv.columns the first data row is taken for the header, as before
        assertThat(frames(new CsvFraming(null), seed)).extracting(f -> text(f.value()))
                .containsExactly("{\"101\":\"102\",\"female\":\"male\",\"1\":\"2\"}", "{\"101\":\"103\",\"female\":\"female\",\"1\":\"3\"}");
    }

    @Test
    void headerlessRowsOfTheWrongWidthAreErrorFramesAndResumeWorks() throws IOException {
        CsvFraming framing = new CsvFraming("user_id", List.of("user_id", "gender", "segment_id"));
        List<Frame> frames = frames(framing, utf8("101,female,1\n102,male\n103,female,3\n"));
        assertThat(frames.get(1).error()).isEqualTo("the row has 2 columns, csv.columns 3");
        assertThat(frames.stream().filter(Frame::isError)).hasSize(1);
        assertThat(positions(frames(framing, resource("seed-users.csv"), 1))).containsExactly(2L, 3L);
    }

    @Test
    void badColumnListsAreRefused() {
        assertThat(CsvFraming.columnsProblem("uid", List.of("user_id", "gender")))
                .isEqualTo("the key column 'uid' is not one of the columns [user_id, gender]");
        assertThat(CsvFraming.columnsProblem(null, List.of("a", " a"))).isEqualTo("the column 'a' is named twice");
        assertThat(CsvFraming.columnsProblem(null, List.of("a", ""))).isEqualTo("a column name is empty");
        assertThat(CsvFraming.columnsProblem("uid", List.of())).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CsvFraming("uid", List.of("user_id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the key column 'uid' is not one of the columns [user_id]");
    }

    @Test
    void anUnterminatedQuoteAtTheEndIsAnErrorFrame() throws IOException {
        List<Frame> frames = frames(USERS, utf8("user_id,name\nu-1,\"open\nstill open\n"));
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).position()).isEqualTo(2);
        assertThat(frames.get(0).error()).startsWith("unterminated quoted field");
    }
}
