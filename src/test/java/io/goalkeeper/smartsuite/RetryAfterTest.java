package io.goalkeeper.smartsuite;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

/** How long a 429's {@code Retry-After} makes every call wait: seconds, an HTTP date, or the configured pause. */
class RetryAfterTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final Duration OTHERWISE = Duration.ofSeconds(30);

    @Test
    void secondsAreWaitedAsGiven() {
        assertThat(SmartSuiteGate.retryAfter("7", NOW, OTHERWISE)).isEqualTo(Duration.ofSeconds(7));
        assertThat(SmartSuiteGate.retryAfter(" 0 ", NOW, OTHERWISE)).isEqualTo(Duration.ZERO);
        assertThat(SmartSuiteGate.retryAfter("-5", NOW, OTHERWISE)).isEqualTo(Duration.ZERO);
    }

    @Test
    void anHttpDateIsWaitedForAndOneInThePastIsNoWait() {
        assertThat(SmartSuiteGate.retryAfter("Sun, 1 Mar 2026 12:01:30 GMT", NOW, OTHERWISE)).isEqualTo(Duration.ofSeconds(90));
        assertThat(SmartSuiteGate.retryAfter("Sun, 1 Mar 2026 11:59:00 GMT", NOW, OTHERWISE)).isEqualTo(Duration.ZERO);
    }

    @Test
    void noHeaderOrAnUnreadableOneWaitsTheConfiguredPause() {
        assertThat(SmartSuiteGate.retryAfter(null, NOW, OTHERWISE)).isEqualTo(OTHERWISE);
        assertThat(SmartSuiteGate.retryAfter(" ", NOW, OTHERWISE)).isEqualTo(OTHERWISE);
        assertThat(SmartSuiteGate.retryAfter("soon", NOW, OTHERWISE)).isEqualTo(OTHERWISE);
    }
}
