package io.tollgate.integrations.internal;

import io.tollgate.integrations.LimitType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** Fixed calendar windows in UTC, and the decision for one counter (pure). */
public final class RateWindows {
    private RateWindows() {}

    public record Window(Instant start, Instant end) {}

    /** The state of one limit after a decision: whether the call may pass, and what to store. */
    public record Decision(boolean allowed, int usage, Instant windowStart, Instant windowEnd) {}

    public static Window window(LimitType type, Instant now) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        ZonedDateTime start = switch (type) {
            case PER_MINUTE -> t.truncatedTo(ChronoUnit.MINUTES);
            case PER_HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case PER_DAY -> t.truncatedTo(ChronoUnit.DAYS);
            case PER_MONTH -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        };
        ZonedDateTime end = switch (type) {
            case PER_MINUTE -> start.plusMinutes(1);
            case PER_HOUR -> start.plusHours(1);
            case PER_DAY -> start.plusDays(1);
            case PER_MONTH -> start.plusMonths(1);
        };
        return new Window(start.toInstant(), end.toInstant());
    }

    /**
     * @param storedEnd the stored window's end (null before the first call): a window that has ended counts from zero
     */
    public static Decision decide(LimitType type, int maxRequests, int storedUsage, Instant storedEnd, Instant now) {
        Window w = window(type, now);
        int usage = storedEnd == null || !now.isBefore(storedEnd) ? 0 : storedUsage;
        Instant start = storedEnd == null || !now.isBefore(storedEnd) ? w.start() : storedEnd.minus(java.time.Duration.between(w.start(), w.end()));
        Instant end = storedEnd == null || !now.isBefore(storedEnd) ? w.end() : storedEnd;
        if (usage >= maxRequests) return new Decision(false, usage, start, end);
        return new Decision(true, usage + 1, start, end);
    }
}
