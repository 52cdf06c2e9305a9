package io.secpipe.bench.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EchoFilterTest {

    @Test
    void keepsOnlyScoresAboveEveryOneOfTheLastRows() {
        EchoFilter filter = new EchoFilter(3);
        double[] in = {0.5, 2.0, 2.0, 1.5, 1.0, 1.0, 1.6, 3.0};
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = filter.apply(in[i]);
        }
        // a tie is an echo and, silenced or not, holds the next three rows down too; 1.6 passes once no 2.0 is in reach
        assertThat(out).containsExactly(0.5, 2.0, 0, 0, 0, 0, 1.6, 3.0);
    }

    @Test
    void noRowsIsNoFilter() {
        EchoFilter filter = new EchoFilter(0);
        assertThat(filter.apply(1.0)).isEqualTo(1.0);
        assertThat(filter.apply(0.5)).isEqualTo(0.5);
        assertThatThrownBy(() -> new EchoFilter(-1)).hasMessageContaining("echo rows -1");
    }
}
