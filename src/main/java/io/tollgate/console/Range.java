package io.tollgate.console;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The dashboards' date range: inclusive UTC dates, the last 30 days by default, at most 366 days. */
record Range(LocalDate from, LocalDate to, String problem) {
    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 366;

    static Range of(String fromText, String toText, Clock clock) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate to = parse(toText);
        LocalDate from = parse(fromText);
        String problem = null;
        if ((fromText != null && !fromText.isBlank() && from == null) || (toText != null && !toText.isBlank() && to == null)) {
            problem = "Dates must be written YYYY-MM-DD, in the years " + Forms.MIN_YEAR + " to " + Forms.MAX_YEAR
                    + "; showing the last " + DEFAULT_DAYS + " days.";
            from = null;
            to = null;
        }
        if (to == null) to = today;
        if (from == null) from = to.minusDays(DEFAULT_DAYS - 1);
        if (from.isAfter(to)) {
            problem = "The start was after the end; they were swapped.";
            LocalDate swap = from;
            from = to;
            to = swap;
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            problem = "A range may span at most " + MAX_DAYS + " days; it was shortened.";
            from = to.minusDays(MAX_DAYS - 1);
        }
        return new Range(from, to, problem);
    }

    long days() {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }

    private static LocalDate parse(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            LocalDate date = LocalDate.parse(text.strip());
            return date.getYear() < Forms.MIN_YEAR || date.getYear() > Forms.MAX_YEAR ? null : date;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
