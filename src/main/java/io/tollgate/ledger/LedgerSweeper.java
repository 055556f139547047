package io.tollgate.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Releases holds past their time and expires what is left of expired grants, in bounded batches. */
@Component
class LedgerSweeper {
    private static final Logger log = LoggerFactory.getLogger(LedgerSweeper.class);
    private static final int BATCH = 500;
    private final Ledger ledger;

    LedgerSweeper(Ledger ledger) {
        this.ledger = ledger;
    }

    @Scheduled(fixedDelayString = "${tollgate.ledger.sweep-millis}", initialDelayString = "${tollgate.ledger.sweep-millis}")
    void sweep() {
        try {
            int holds;
            do {
                holds = ledger.expireHolds(BATCH);
            } while (holds == BATCH);
            ledger.expireLots(BATCH);
        } catch (RuntimeException e) {
            log.warn("Ledger sweep failed, will retry: {}", e.getMessage());
        }
    }
}
