package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.lower;
import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.ledger.LedgerEvents;
import io.tollgate.ledger.WalletOwner;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * credits.* from the ledger's events. credits.low needs no query on the metering path: the ledger
 * reports each lowered wallet's balance before and after, the organization's threshold comes from a
 * cache, and the app's organization from the apps module's cache.
 */
@Component
class LedgerWebhooks {
    private final Outbox outbox;
    private final OrganizationOf organizations;
    private final LowCreditThresholds thresholds;

    LedgerWebhooks(Outbox outbox, OrganizationOf organizations, LowCreditThresholds thresholds) {
        this.outbox = outbox;
        this.organizations = organizations;
        this.thresholds = thresholds;
    }

    @EventListener
    void granted(LedgerEvents.Granted e) {
        outbox.publish(organizationOf(e.wallet()), e.purchase() ? "credits.purchased" : "credits.granted", () -> {
            Map<String, Object> data = wallet(e.wallet());
            data.put("credits", e.credits());
            data.put("balance", e.balance());
            if (e.purchase()) {
                data.put("payment_id", e.reference());
            } else {
                data.put("reason", e.reason());
                data.put("expires_at", text(e.expiresAt()));
            }
            return data;
        });
    }

    @EventListener
    void expired(LedgerEvents.Expired e) {
        outbox.publish(organizationOf(e.wallet()), "credits.expired", () -> {
            Map<String, Object> data = wallet(e.wallet());
            data.put("credits", e.credits());
            data.put("balance", e.balance());
            return data;
        });
    }

    /** A wallet going from at least the threshold to below it: once per crossing. */
    @EventListener
    void lowered(LedgerEvents.Lowered e) {
        for (LedgerEvents.Change change : e.changes()) {
            String organizationId = organizationOf(change.wallet());
            if (organizationId == null) continue;
            Optional<Long> threshold = thresholds.of(organizationId);
            if (threshold.isEmpty() || change.before() < threshold.get() || change.after() >= threshold.get()) continue;
            outbox.publish(organizationId, "credits.low", () -> {
                Map<String, Object> data = wallet(change.wallet());
                data.put("balance", change.after());
                data.put("threshold", threshold.get());
                return data;
            });
        }
    }

    private String organizationOf(LedgerEvents.WalletRef wallet) {
        return wallet.ownerType() == WalletOwner.ORGANIZATION ? wallet.ownerId() : organizations.of(null, wallet.appId());
    }

    private static Map<String, Object> wallet(LedgerEvents.WalletRef w) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("wallet_id", w.walletId());
        data.put("owner_type", lower(w.ownerType()));
        data.put("owner_id", w.ownerId());
        data.put("app_id", w.appId());
        return data;
    }
}
