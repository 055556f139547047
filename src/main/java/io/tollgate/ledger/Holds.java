package io.tollgate.ledger;

import io.tollgate.platform.ApiException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Holds after they are placed (a {@link LedgerSession} places them): read, captured, released, and
 * timed out. Every end goes through {@link HoldEnds}.
 */
@Service
public class Holds {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate transactions;

    Holds(JdbcClient jdbc, Clock clock, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.transactions = transactions;
    }

    /** Takes up to the held amount as spent, returns the rest. Joins the caller's transaction. */
    @Transactional
    public HoldResult capture(String holdId, long amount) {
        return finish(holdId, amount, "captured");
    }

    @Transactional
    public HoldResult release(String holdId) {
        return finish(holdId, 0, "released");
    }

    public Optional<Hold> hold(String holdId) {
        return jdbc.sql("SELECT id, account_id, amount, status FROM ledger_holds WHERE id = ?").param(holdId)
                .query((rs, i) -> new Hold(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4))).optional();
    }

    private HoldResult finish(String holdId, long capture, String outcome) {
        String walletId = jdbc.sql("SELECT account_id FROM ledger_holds WHERE id = ?").param(holdId).query(String.class).optional()
                .orElseThrow(() -> ApiException.notFound("hold", holdId));
        Accounts.lockWallet(jdbc, walletId);
        var hold = jdbc.sql("SELECT amount, status, account_id FROM ledger_holds WHERE id = ? FOR UPDATE").param(holdId)
                .query((rs, i) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)}).single();
        long amount = (long) hold[0];
        if (!"pending".equals(hold[1])) {
            throw new ApiException(HttpStatus.CONFLICT, "HOLD_NOT_PENDING", "Hold " + holdId + " is already " + hold[1]);
        }
        walletId = (String) hold[2]; // a merge may have moved the hold to another wallet
        if (capture < 0 || capture > amount) throw ApiException.invalidField("amount", "must be between 0 and the held " + amount);
        HoldEnds.Ended ended = HoldEnds.end(jdbc, List.of(new HoldEnds.End(holdId, capture, outcome)), clock.instant()).get(holdId);
        long released = ended.released();
        return new HoldResult(holdId, outcome, capture, released, Accounts.balance(jdbc, walletId));
    }

    /**
     * Ends these holds in the caller's transaction, set-based (see HoldEnds): each captured up to the amount given
     * (0: released), the rest released. The caller has locked their wallets ({@link Wallets#lock}), as a batch does;
     * holds no longer pending are skipped. Returns the ids of the holds it ended.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public java.util.Set<String> finishPending(Map<String, Long> captureByHold) {
        List<HoldEnds.End> ends = new ArrayList<>(captureByHold.size());
        captureByHold.forEach((hold, capture) -> ends.add(new HoldEnds.End(hold, capture, capture > 0 ? "captured" : "released")));
        return HoldEnds.end(jdbc, ends, clock.instant()).keySet();
    }

    /**
     * Which of these holds are still pending, and the wallet each holds credits of (a merge may have
     * moved one). For callers that settle holds in their own transaction and must lock the wallets first.
     */
    public Map<String, String> pendingHolds(Collection<String> holdIds) {
        Map<String, String> pending = new java.util.HashMap<>();
        if (holdIds.isEmpty()) return pending;
        jdbc.sql("SELECT id, account_id FROM ledger_holds WHERE id = ANY(?) AND status = 'pending'")
                .param(holdIds.toArray(String[]::new)).query(rs -> { pending.put(rs.getString(1), rs.getString(2)); });
        return pending;
    }

    /**
     * Pending holds past their time are released (status expired): reserved credits never leak. One
     * transaction per hold, so the sweep never holds a system account while waiting for a wallet.
     */
    public int expireHolds(int limit) {
        List<String> due = jdbc.sql("SELECT id FROM ledger_holds WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?")
                .params(Timestamp.from(clock.instant()), limit).query(String.class).list();
        int expired = 0;
        for (String holdId : due) {
            try {
                transactions.executeWithoutResult(status -> finish(holdId, 0, "expired"));
                expired++;
            } catch (ApiException alreadyFinished) {
                // Captured or released between the query and the lock: nothing to do.
            }
        }
        return expired;
    }
}
