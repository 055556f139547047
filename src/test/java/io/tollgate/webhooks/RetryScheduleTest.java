package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The retry schedule and its jitter, given the time and the random draw. */
class RetryScheduleTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration CEILING = Duration.ofHours(10);

    @Test
    void theScheduleIsFiveSecondsFiveMinutesThirtyMinutesTwoFiveTenAndTenHours() {
        Duration[] expected = {Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5),
                Duration.ofHours(10), Duration.ofHours(10)};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            // A draw of 0.5 is no jitter at all; 0 and just under 1 are its ends, ±20 %.
            assertThat(RetrySchedule.next(attempt, NOW, 0.5, null, CEILING)).contains(NOW.plus(expected[attempt - 1]));
            assertThat(RetrySchedule.next(attempt, NOW, 0.0, null, CEILING)).contains(NOW.plusMillis(expected[attempt - 1].toMillis() * 8 / 10));
            Instant latest = RetrySchedule.next(attempt, NOW, 0.999_999, null, CEILING).orElseThrow();
            assertThat(Duration.between(NOW, latest).toMillis()).isBetween(expected[attempt - 1].toMillis() * 119 / 100,
                    expected[attempt - 1].toMillis() * 12 / 10);
        }
        assertThat(RetrySchedule.next(8, NOW, 0.5, null, CEILING)).as("eight attempts in all").isEmpty();
        assertThat(RetrySchedule.MAX_ATTEMPTS).isEqualTo(8);
        assertThatThrownBy(() -> RetrySchedule.next(0, NOW, 0.5, null, CEILING)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAfterIsNeverRetriedSoonerThanAskedUpToTheCeiling() {
        assertThat(RetrySchedule.next(1, NOW, 0.5, Duration.ofSeconds(120), CEILING)).contains(NOW.plusSeconds(120));
        assertThat(RetrySchedule.next(2, NOW, 0.5, Duration.ofSeconds(1), CEILING)).as("the schedule when it is later").contains(NOW.plusSeconds(300));
        assertThat(RetrySchedule.next(1, NOW, 0.5, Duration.ofDays(30), CEILING)).contains(NOW.plus(CEILING));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        assertThat(Sender.retryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(Sender.retryAfter("Mon, 23 Nov 2026 10:02:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Sender.retryAfter("Mon, 23 Nov 2026 09:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(Sender.retryAfter("soon", NOW)).isNull();
        assertThat(Sender.retryAfter(null, NOW)).isNull();
        assertThat(Sender.retryAfter("99999999999999999999", NOW)).isPositive();
    }
}
