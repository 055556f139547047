package io.tollgate.invoices;

import io.tollgate.MutableClock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** The test clock's month, and moving it into the next one (an hour past midnight UTC). */
final class Months {
    private Months() {}

    static YearMonth current(MutableClock clock) {
        return YearMonth.from(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }

    static void intoNext(MutableClock clock) {
        YearMonth month = current(clock);
        clock.advance(Duration.between(clock.instant(), month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()).plusHours(1));
    }
}
