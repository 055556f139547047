package io.tollgate.notifications.internal;

import io.tollgate.ledger.LedgerEvents;
import io.tollgate.ledger.WalletOwner;
import io.tollgate.notifications.EndUserNotifications;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * "Credits low" mail to an end user whose wallet went from at least the threshold to below it: once
 * per crossing (the ledger reports each balance before and after, so no query decides it), not at every
 * spend below it; a grant that lifts the wallet above arms it again. Runs inside the transaction that
 * lowered the balance (a metering batch, an expiry), so the mail is queued with the debit or not at all;
 * {@link EndUserNotifications} queues it under a savepoint, so a failure here never undoes the debit.
 */
@Component
class CreditsLowMails {
    private final EndUserNotifications notifications;
    private final long thresholdCredits;

    CreditsLowMails(EndUserNotifications notifications, @Value("${tollgate.mail.credits-low-threshold}") long thresholdCredits) {
        if (thresholdCredits < 0) throw new IllegalArgumentException("tollgate.mail.credits-low-threshold must be 0 (off) or positive");
        this.notifications = notifications;
        this.thresholdCredits = thresholdCredits;
    }

    @EventListener
    void lowered(LedgerEvents.Lowered event) {
        if (thresholdCredits == 0) return;
        for (LedgerEvents.Change change : event.changes()) {
            if (change.wallet().ownerType() != WalletOwner.END_USER) continue;
            if (change.before() >= thresholdCredits && change.after() < thresholdCredits) {
                notifications.creditsLow(change.wallet().ownerId(), change.after());
            }
        }
    }
}
