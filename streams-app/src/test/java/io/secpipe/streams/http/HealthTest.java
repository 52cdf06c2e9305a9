package io.secpipe.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class HealthTest {

    private final List<String> threads = new ArrayList<>(List.of("RUNNING", "RUNNING"));
    private final Health health = new Health(() -> threads);
    private final TopicPartition changelog = new TopicPartition("secpipe-streams-store-changelog", 0);

    @Test
    void startingIsLiveButNotReady() {
        assertThat(health.notLive()).isNull();
        assertThat(health.notReady()).isEqualTo("state CREATED");
        health.onChange(State.REBALANCING);
        assertThat(health.notLive()).isNull();
        assertThat(health.notReady()).isEqualTo("state REBALANCING");
    }

    @Test
    void runningIsReady() {
        health.onChange(State.REBALANCING);
        health.onChange(State.RUNNING);
        assertThat(health.notLive()).isNull();
        assertThat(health.notReady()).isNull();
    }

    @Test
    void aPendingRestorationKeepsItUnreadyUntilItEndsOrMovesAway() {
        health.onChange(State.RUNNING);
        health.onRestoreStart(changelog, "store", 0, 100);
        health.onRestoreStart(new TopicPartition("other-changelog", 1), "other", 0, 100);
        assertThat(health.notReady()).isEqualTo("2 state store partition(s) restoring");
        assertThat(health.notLive()).isNull();
        health.onRestoreEnd(changelog, "store", 100);
        assertThat(health.notReady()).isEqualTo("1 state store partition(s) restoring");
        health.onRestoreSuspended(new TopicPartition("other-changelog", 1), "other", 40);
        assertThat(health.notReady()).isNull();
    }

    @Test
    void errorAndShutdownAreNotLive() {
        for (State state : List.of(State.PENDING_ERROR, State.ERROR, State.PENDING_SHUTDOWN, State.NOT_RUNNING)) {
            health.onChange(state);
            assertThat(health.notLive()).isEqualTo("state " + state);
            assertThat(health.notReady()).isEqualTo("state " + state);
        }
    }

    @Test
    void runningWithEveryStreamThreadDeadIsNotLive() {
        health.onChange(State.RUNNING);
        threads.set(0, "DEAD");
        assertThat(health.notLive()).isNull(); // one thread still works
        threads.set(1, "PENDING_SHUTDOWN");
        assertThat(health.notLive()).isEqualTo("state RUNNING but no stream thread alive [DEAD, PENDING_SHUTDOWN]");
        assertThat(health.notReady()).isEqualTo("state RUNNING but no stream thread alive [DEAD, PENDING_SHUTDOWN]");
    }
}
