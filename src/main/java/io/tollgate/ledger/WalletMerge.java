package io.tollgate.ledger;

import io.tollgate.identity.EndUserMerged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The ledger's part of merging an anonymous end user into a registered one. */
@Service
public class WalletMerge {
    private final JdbcClient jdbc;
    private final Wallets wallets;

    WalletMerge(JdbcClient jdbc, Wallets wallets) {
        this.jdbc = jdbc;
        this.wallets = wallets;
    }

    /**
     * An anonymous user merged into a registered one brings its credits, lots and pending holds along.
     * Run by the metering module's merge (after the allowance counters, the order every metered call
     * locks in), in the merging transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void mergeEndUser(EndUserMerged merged) {
        Optional<String> from = jdbc.sql("SELECT id FROM ledger_accounts WHERE owner_type = 'end_user' AND owner_id = ?")
                .param(merged.fromUserId()).query(String.class).optional();
        if (from.isEmpty()) return;
        // Joins this (mandatory) transaction; its wallet id is cached only once the merge commits.
        String into = wallets.walletForInTransaction(WalletOwner.END_USER, merged.intoUserId(), merged.appId());
        List<String> ordered = new ArrayList<>(List.of(from.get(), into));
        ordered.sort(null);
        ordered.forEach(walletId -> Accounts.lockWallet(jdbc, walletId));
        long amount = Accounts.balance(jdbc, from.get());
        if (amount > 0) {
            Accounts.transfer(jdbc, from.get(), into, amount, "merge", null, merged.fromUserId(), "anonymous user merged");
            Accounts.adjust(jdbc, new TreeMap<>(Map.of(from.get(), -amount, into, amount)));
        }
        // The rule (Lots): lots, pending holds and what those drew from the lots move together, unchanged.
        int lots = jdbc.sql("""
                UPDATE ledger_lots l SET account_id = ? WHERE account_id = ?
                AND (remaining > 0 OR EXISTS (SELECT 1 FROM ledger_hold_lots d WHERE d.lot_id = l.id))""").params(into, from.get()).update();
        if (lots > 0) jdbc.sql("UPDATE ledger_accounts SET has_expiring = true WHERE id = ?").param(into).update();
        jdbc.sql("UPDATE ledger_holds SET account_id = ? WHERE account_id = ? AND status = 'pending'").params(into, from.get()).update();
    }
}
