package io.tollgate.analytics;

import io.tollgate.platform.ApiException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * from/to query parameters: inclusive UTC dates, default the last 30 days, at most 366 days, in
 * years 1970 to 9999 (no usage or payment is older; later dates would overflow the reports' arithmetic).
 */
record DateRange(LocalDate from, LocalDate to) {
    static final int MAX_DAYS = 366;
    static final int DEFAULT_DAYS = 30;
    static final int FIRST_YEAR = 1970;
    static final int LAST_YEAR = 9999;

    static DateRange of(LocalDate from, LocalDate to, Clock clock) {
        checkYear("from", from);
        checkYear("to", to);
        LocalDate end = to == null ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) : to;
        LocalDate start = from == null ? end.minusDays(DEFAULT_DAYS - 1) : from;
        if (start.isAfter(end)) throw ApiException.invalidField("from", "must not be after to");
        if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) throw ApiException.invalidField("from", "range may span at most " + MAX_DAYS + " days");
        return new DateRange(start, end);
    }

    private static void checkYear(String field, LocalDate date) {
        if (date != null && (date.getYear() < FIRST_YEAR || date.getYear() > LAST_YEAR)) {
            throw ApiException.invalidField(field, "must be in the years " + FIRST_YEAR + " to " + LAST_YEAR);
        }
    }
}
