package io.secpipe.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void aPacedWriterHandsOverAHundredthOfASecondAtATime() {
        E2eCommand.Pacer pacer = new E2eCommand.Pacer(1000);
        assertThat(pacer.chunk()).isEqualTo(10);
        assertThat(pacer.dueMillis(2000) - pacer.dueMillis(0)).isEqualTo(2000);
        assertThat(pacer.dueMillis(1) - pacer.dueMillis(0)).isEqualTo(1);
        assertThat(new E2eCommand.Pacer(50).chunk()).isEqualTo(1);
    }

    @Test
    void anUnpacedWriterIsDueAtOnce() throws Exception {
        E2eCommand.Pacer pacer = new E2eCommand.Pacer(0);
        assertThat(pacer.chunk()).isEqualTo(1000);
        assertThat(pacer.dueMillis(1_000_000)).isEqualTo(pacer.dueMillis(0));
        pacer.await(1_000_000); // returns at once
    }
}
