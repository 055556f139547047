package io.tollgate.ledger;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.SqlPipeline;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Account ids of the system side of the ledger, the one way balances change, and the reads and the row lock
 * of an account every movement of the ledger's classes shares (static, so no call between them goes through
 * another bean's transaction proxy).
 */
final class Accounts {
    static final String ISSUANCE = "sys_issuance";
    static final String REVENUE = "sys_revenue";
    static final String HOLDS = "sys_holds";
    static final String EXPIRY = "sys_expiry";
    static final String REFUNDS = "sys_refunds";

    private Accounts() {}

    private static final String ADJUST = """
            UPDATE ledger_accounts a SET balance = a.balance + t.delta, updated_at = now()
            FROM unnest(?::text[], ?::bigint[]) AS t(id, delta) WHERE a.id = t.id""";
    private static final String ADJUST_ONE = "UPDATE ledger_accounts SET balance = balance + ?, updated_at = now() WHERE id = ?";

    /**
     * Adds each delta to its account's balance, locking the rows in the map's order (callers pass a sorted
     * map): one statement per account, since a multi-row UPDATE locks its rows in whatever order its plan
     * visits them, and two transactions touching the same system accounts could then deadlock.
     */
    static void adjust(JdbcClient jdbc, Map<String, Long> deltas) {
        SqlPipeline pipeline = new SqlPipeline();
        adjust(pipeline, deltas);
        pipeline.run(jdbc);
    }

    static void adjust(SqlPipeline pipeline, Map<String, Long> deltas) {
        for (Map.Entry<String, Long> delta : deltas.entrySet()) {
            pipeline.add(ADJUST_ONE, delta.getValue(), delta.getKey());
        }
    }

    /** As {@link #adjust}, in one statement, for rows this transaction has already locked (in order). */
    static void adjustLocked(SqlPipeline pipeline, Map<String, Long> deltas) {
        if (deltas.isEmpty()) return;
        pipeline.add(ADJUST, deltas.keySet().toArray(String[]::new), deltas.values().stream().mapToLong(Long::longValue).toArray());
    }

    /** @return the transfer's id */
    static long transfer(JdbcClient jdbc, String debit, String credit, long amount, String kind, String holdId,
                         String reference, String reason) {
        return jdbc.sql("""
                INSERT INTO ledger_transfers (debit_account, credit_account, amount, kind, hold_id, reference, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(debit, credit, amount, kind, holdId, reference, reason).query(Long.class).single();
    }

    /** Wallet row lock; returns the balance. Callers lock several wallets in id order. */
    static long lockWallet(JdbcClient jdbc, String walletId) {
        return jdbc.sql("SELECT balance FROM ledger_accounts WHERE id = ? AND kind = 'wallet' FOR NO KEY UPDATE").param(walletId)
                .query(Long.class).optional().orElseThrow(() -> ApiException.notFound("wallet", walletId));
    }

    static long balance(JdbcClient jdbc, String accountId) {
        return jdbc.sql("SELECT balance FROM ledger_accounts WHERE id = ?").param(accountId).query(Long.class).optional().orElse(0L);
    }

    /** Whose wallet it is, for the events listeners receive. */
    static LedgerEvents.WalletRef walletRef(JdbcClient jdbc, String walletId) {
        return jdbc.sql("SELECT owner_type, owner_id, app_id FROM ledger_accounts WHERE id = ?").param(walletId)
                .query((rs, i) -> new LedgerEvents.WalletRef(walletId, WalletOwner.valueOf(rs.getString(1).toUpperCase()), rs.getString(2),
                        rs.getString(3))).single();
    }
}
