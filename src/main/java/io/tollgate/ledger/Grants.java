package io.tollgate.ledger;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.SqlPipeline;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Credits in and back out of a wallet by decision, not by use: grants, purchases (which repay debt first) and refunds. */
@Service
public class Grants {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    Grants(JdbcClient jdbc, Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.events = events;
    }

    /** Credits from issuance into a wallet, optionally expiring. Joins the caller's transaction. */
    @Transactional
    public Grant grant(String walletId, long amount, String reason, Instant expiresAt, String reference) {
        Grant grant = issue(walletId, amount, reason, expiresAt, reference);
        events.publishEvent(new LedgerEvents.Granted(Accounts.walletRef(jdbc, walletId), amount, grant.balance(), reason, reference,
                expiresAt, false));
        return grant;
    }

    private Grant issue(String walletId, long amount, String reason, Instant expiresAt, String reference) {
        if (amount <= 0) throw ApiException.invalidField("amount", "must be a positive whole number of credits");
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) throw ApiException.invalidField("expires_at", "must be in the future");
        Accounts.lockWallet(jdbc, walletId);
        long transferId = Accounts.transfer(jdbc, Accounts.ISSUANCE, walletId, amount, "grant", null, reference, reason);
        Accounts.adjust(jdbc, Map.of(walletId, amount));
        String lotId = null;
        if (expiresAt != null) {
            lotId = Ids.next("lot");
            jdbc.sql("INSERT INTO ledger_lots (id, account_id, transfer_id, amount, remaining, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(lotId, walletId, transferId, amount, amount, Timestamp.from(expiresAt)).update();
            jdbc.sql("UPDATE ledger_accounts SET has_expiring = true WHERE id = ?").param(walletId).update();
        }
        Accounts.adjust(jdbc, Map.of(Accounts.ISSUANCE, -amount));
        return new Grant(transferId, walletId, amount, Accounts.balance(jdbc, walletId), expiresAt, lotId);
    }

    /**
     * Credits bought: granted, then any debt the wallet owes (from a refund of credits already spent)
     * is repaid from them first. Joins the caller's transaction.
     */
    @Transactional
    public Grant grantPurchase(String walletId, long amount, String reference) {
        Grant grant = issue(walletId, amount, "purchase", null, reference);
        long repaid = 0;
        var debts = jdbc.sql("SELECT id, amount - repaid FROM ledger_debts WHERE account_id = ? AND repaid < amount ORDER BY created_at, id FOR UPDATE")
                .param(walletId).query((rs, i) -> Map.entry(rs.getString(1), rs.getLong(2))).list();
        for (var debt : debts) {
            long take = Math.min(debt.getValue(), amount - repaid);
            if (take <= 0) break;
            jdbc.sql("UPDATE ledger_debts SET repaid = repaid + ? WHERE id = ?").params(take, debt.getKey()).update();
            repaid += take;
        }
        if (repaid > 0) {
            Accounts.transfer(jdbc, walletId, Accounts.REFUNDS, repaid, "refund", null, reference, "debt repaid from a purchase");
            Accounts.adjust(jdbc, Map.of(walletId, -repaid));
            Accounts.adjust(jdbc, Map.of(Accounts.REFUNDS, repaid));
        }
        long balance = Accounts.balance(jdbc, walletId);
        events.publishEvent(new LedgerEvents.Granted(Accounts.walletRef(jdbc, walletId), amount, balance, "purchase", reference, null, true));
        return new Grant(grant.transferId(), walletId, amount, balance, null, null);
    }

    /**
     * Takes back refunded credits: what is still in the wallet leaves it; what was already spent is
     * recorded as a debt, repaid from the next purchase. Joins the caller's transaction.
     */
    @Transactional
    public Refund refund(String walletId, long credits, String reference) {
        if (credits <= 0) return new Refund(0, 0);
        long balance = Accounts.lockWallet(jdbc, walletId);
        long taken = Math.min(credits, balance);
        if (taken > 0) {
            Accounts.transfer(jdbc, walletId, Accounts.REFUNDS, taken, "refund", null, reference, "payment refunded");
            Accounts.adjust(jdbc, Map.of(walletId, -taken));
            // The rule (Lots): credits without expiry go first; what the refund takes beyond them comes out of
            // the lots, soonest-expiring first, so no lot goes on claiming credits that have left the wallet.
            List<Lots.Lot> live = Lots.live(jdbc, walletId);
            long fromLots = taken - (balance - Lots.total(live));
            if (fromLots > 0) {
                SqlPipeline lots = new SqlPipeline();
                Lots.adjust(lots, Lots.taking(Lots.draw(live, fromLots, clock.instant(), true)));
                lots.run(jdbc);
            }
        }
        long debt = credits - taken;
        if (debt > 0) {
            jdbc.sql("INSERT INTO ledger_debts (id, account_id, amount, reference) VALUES (?, ?, ?, ?)")
                    .params(Ids.next("dbt"), walletId, debt, reference).update();
        }
        if (taken > 0) {
            Accounts.adjust(jdbc, Map.of(Accounts.REFUNDS, taken));
            events.publishEvent(new LedgerEvents.Lowered(List.of(new LedgerEvents.Change(Accounts.walletRef(jdbc, walletId), balance,
                    balance - taken))));
        }
        return new Refund(taken, debt);
    }
}
