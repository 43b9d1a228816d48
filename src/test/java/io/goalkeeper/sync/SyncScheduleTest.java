package io.goalkeeper.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.goalkeeper.sync.SyncRuns.FailureStreak;

class SyncScheduleTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void scheduledRunsBackOffExponentiallyAfterTwoFailuresInARowUpToAnHour() {
        assertThat(SyncSchedule.backoff(0, MINUTE)).isZero();
        assertThat(SyncSchedule.backoff(1, MINUTE)).isZero();
        assertThat(SyncSchedule.backoff(2, MINUTE)).isEqualTo(Duration.ofMinutes(2));
        assertThat(SyncSchedule.backoff(3, MINUTE)).isEqualTo(Duration.ofMinutes(4));
        assertThat(SyncSchedule.backoff(6, MINUTE)).isEqualTo(Duration.ofMinutes(32));
        assertThat(SyncSchedule.backoff(7, MINUTE)).isEqualTo(Duration.ofHours(1));
        assertThat(SyncSchedule.backoff(16, MINUTE)).isEqualTo(Duration.ofHours(1));
        assertThat(SyncSchedule.backoff(3, Duration.ofHours(2))).as("never shorter than the interval").isEqualTo(Duration.ofHours(2));
    }

    @Test
    void aTickWaitsOnlyUntilTheBackOffHasPassedSinceTheLastRunEnded() {
        Duration wait = Duration.ofMinutes(4);
        assertThat(SyncSchedule.waiting(new FailureStreak(3, Duration.ofMinutes(1)), wait)).isTrue();
        assertThat(SyncSchedule.waiting(new FailureStreak(3, Duration.ofMinutes(5)), wait)).isFalse();
        assertThat(SyncSchedule.waiting(new FailureStreak(0, null), Duration.ZERO)).isFalse();
    }
}
