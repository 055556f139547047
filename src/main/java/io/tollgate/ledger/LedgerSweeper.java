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
    private final Holds holds;
    private final LotExpiry lots;

    LedgerSweeper(Holds holds, LotExpiry lots) {
        this.holds = holds;
        this.lots = lots;
    }

    @Scheduled(fixedDelayString = "${tollgate.ledger.sweep-millis}", initialDelayString = "${tollgate.ledger.sweep-millis}")
    void sweep() {
        try {
            int expired;
            do {
                expired = holds.expireHolds(BATCH);
            } while (expired == BATCH);
            lots.expireLots(BATCH);
        } catch (RuntimeException e) {
            log.warn("Ledger sweep failed, will retry: {}", e.getMessage());
        }
    }
}
