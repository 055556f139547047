package io.tollgate.limits.internal;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;

/**
 * Bucket time from the application's Clock bean, like all business time, so tests can move an hour
 * ahead instead of sleeping through it. Millisecond precision is plenty for per-hour limits; if the
 * wall clock steps back, Bucket4j simply refills nothing until it catches up.
 */
record ClockTimeMeter(Clock clock) implements TimeMeter {

    @Override
    public long currentTimeNanos() {
        return clock.millis() * 1_000_000L;
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
