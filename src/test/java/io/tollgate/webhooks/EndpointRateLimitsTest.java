package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An endpoint's deliveries per second: a bucket of one second's worth, refilled continuously (time given, not waited for). */
class EndpointRateLimitsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSecondsWorthGoesAtOnceThenOnePerInterval() {
        EndpointRateLimits limits = new EndpointRateLimits();
        long t = 42 * SECOND;
        assertThat(limits.waitMillis("whe_a", 2, t)).isZero();
        assertThat(limits.waitMillis("whe_a", 2, t)).isZero();
        assertThat(limits.waitMillis("whe_a", 2, t)).isEqualTo(500);
        assertThat(limits.waitMillis("whe_a", 2, t + SECOND / 4)).isEqualTo(250);
        assertThat(limits.waitMillis("whe_a", 2, t + SECOND / 2)).isZero();
        assertThat(limits.waitMillis("whe_a", 2, t + SECOND / 2)).isEqualTo(500);
        // Another endpoint, and the same endpoint with a new limit, start afresh.
        assertThat(limits.waitMillis("whe_b", 2, t)).isZero();
        assertThat(limits.waitMillis("whe_a", 5, t + SECOND / 2)).isZero();
        // Idle time never stores more than a second's worth.
        long later = t + 60 * SECOND;
        assertThat(limits.waitMillis("whe_b", 2, later)).isZero();
        assertThat(limits.waitMillis("whe_b", 2, later)).isZero();
        assertThat(limits.waitMillis("whe_b", 2, later)).isPositive();
    }
}
