package io.secpipe.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfOneToAHundred() {
        Percentiles p = new Percentiles(reversed(LongStream.rangeClosed(1, 100).boxed().toList()));
        assertThat(p.at(50)).isEqualTo(50);
        assertThat(p.at(95)).isEqualTo(95);
        assertThat(p.at(99)).isEqualTo(99);
        assertThat(p.at(100)).isEqualTo(100);
        assertThat(p.max()).isEqualTo(100);
        assertThat(p.count()).isEqualTo(100);
    }

    private static List<Long> reversed(List<Long> values) {
        List<Long> copy = new java.util.ArrayList<>(values);
        java.util.Collections.reverse(copy);
        return copy;
    }

    @Test
    void fewValuesRoundUpToTheNextRank() {
        Percentiles p = new Percentiles(List.of(30L, 10L, 20L));
        assertThat(p.at(1)).isEqualTo(10);
        assertThat(p.at(33.3)).isEqualTo(10);
        assertThat(p.at(34)).isEqualTo(20);
        assertThat(p.at(50)).isEqualTo(20);
        assertThat(p.at(99)).isEqualTo(30);
    }

    @Test
    void noValuesHaveNoPercentile() {
        Percentiles p = new Percentiles(List.of());
        assertThat(p.at(99)).isEqualTo(-1);
        assertThat(p.max()).isEqualTo(-1);
        assertThatThrownBy(() -> p.at(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
