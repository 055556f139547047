package io.tollgate.invoices;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Early each month, closes the month before: drafts and finalizes its invoices. Idempotent, so every node may run it. */
@Component
class MonthCloser {
    private static final Logger log = LoggerFactory.getLogger(MonthCloser.class);
    private final Invoices invoices;
    private final Clock clock;

    MonthCloser(Invoices invoices, Clock clock) {
        this.invoices = invoices;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT2M")
    void closePreviousMonth() {
        YearMonth previous = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)).minusMonths(1);
        try {
            int closed = invoices.closeMonth(previous).size();
            if (closed > 0) log.info("Issued {} invoices for {}", closed, previous);
        } catch (RuntimeException e) {
            log.warn("Closing {} failed, will retry: {}", previous, e.getMessage());
        }
    }
}
