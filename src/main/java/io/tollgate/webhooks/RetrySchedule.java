package io.tollgate.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a failed delivery is tried again: the first attempt at once, then after 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h and 10 h (eight attempts in about 28 hours), each delay moved by up to ±20 % at random so a
 * receiver that was down is not hit by every retry in the same second. An answer's Retry-After is
 * honoured: the next attempt is never sooner than it asks (up to a ceiling). Pure, so tests give it
 * the time and the random draw.
 */
final class RetrySchedule {
    static final List<Duration> DELAYS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
            Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
    static final int MAX_ATTEMPTS = DELAYS.size() + 1;
    static final double JITTER = 0.20;

    private RetrySchedule() {}

    /**
     * @param failedAttempt the attempt of this run that just failed, from 1
     * @param unit          a random draw in [0, 1)
     * @param retryAfter    the answer's Retry-After, or null
     * @return when to try again, or empty when that was the last attempt
     */
    static Optional<Instant> next(int failedAttempt, Instant now, double unit, Duration retryAfter, Duration maxRetryAfter) {
        if (failedAttempt < 1) throw new IllegalArgumentException("attempts count from 1");
        if (failedAttempt >= MAX_ATTEMPTS) return Optional.empty();
        long base = DELAYS.get(failedAttempt - 1).toMillis();
        long delay = Math.round(base * (1 + JITTER * (2 * unit - 1)));
        if (retryAfter != null) delay = Math.max(delay, Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis()));
        return Optional.of(now.plusMillis(delay));
    }
}
