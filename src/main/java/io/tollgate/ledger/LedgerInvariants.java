package io.tollgate.ledger;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/** Checks the ledger's invariants (listed on {@link LedgerCheck}) against the database. */
@Service
public class LedgerInvariants {
    private final JdbcClient jdbc;

    LedgerInvariants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One snapshot for all the statements (REPEATABLE READ): at READ COMMITTED each statement sees the
     * commits made since the one before, so under load sums taken a moment apart disagree and the
     * check reports problems that do not exist.
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public LedgerCheck check() {
        List<LedgerCheck.Mismatch> mismatches = jdbc.sql("""
                SELECT a.id, a.balance, coalesce(c.total, 0) - coalesce(d.total, 0) AS posted FROM ledger_accounts a
                LEFT JOIN (SELECT credit_account AS id, sum(amount) AS total FROM ledger_transfers GROUP BY 1) c ON c.id = a.id
                LEFT JOIN (SELECT debit_account AS id, sum(amount) AS total FROM ledger_transfers GROUP BY 1) d ON d.id = a.id
                WHERE a.balance <> coalesce(c.total, 0) - coalesce(d.total, 0) LIMIT 100""")
                .query((rs, i) -> new LedgerCheck.Mismatch(rs.getString(1), rs.getLong(2), rs.getLong(3))).list();
        long accounts = jdbc.sql("SELECT count(*) FROM ledger_accounts").query(Long.class).single();
        long transfers = jdbc.sql("SELECT count(*) FROM ledger_transfers").query(Long.class).single();
        long sum = jdbc.sql("SELECT coalesce(sum(balance), 0) FROM ledger_accounts").query(Long.class).single();
        long negative = jdbc.sql("SELECT count(*) FROM ledger_accounts WHERE kind = 'wallet' AND balance < 0").query(Long.class).single();
        long outstanding = jdbc.sql("SELECT coalesce(sum(amount), 0) FROM ledger_holds WHERE status = 'pending'").query(Long.class).single();
        long holdsBalance = Accounts.balance(jdbc, Accounts.HOLDS);
        long overclaimed = jdbc.sql("""
                SELECT count(*) FROM (SELECT account_id, sum(remaining) AS r FROM ledger_lots WHERE remaining > 0 GROUP BY 1) l
                JOIN ledger_accounts a ON a.id = l.account_id WHERE l.r > a.balance""")
                .query(Long.class).single();
        long badHoldDraws = jdbc.sql("""
                SELECT count(*) FROM (SELECT d.hold_id, sum(d.amount) AS drawn, bool_or(l.account_id <> h.account_id) AS elsewhere,
                  min(h.amount) AS amount, min(h.status) AS status
                FROM ledger_hold_lots d JOIN ledger_holds h ON h.id = d.hold_id JOIN ledger_lots l ON l.id = d.lot_id GROUP BY 1) x
                WHERE x.drawn > x.amount OR x.elsewhere OR x.status <> 'pending'""")
                .query(Long.class).single();
        List<String> problems = new ArrayList<>();
        if (sum != 0) problems.add("accounts sum to " + sum + ", not 0");
        if (negative > 0) problems.add(negative + " wallets are negative");
        if (outstanding != holdsBalance) problems.add("pending holds total " + outstanding + " but the holds account holds " + holdsBalance);
        if (overclaimed > 0) problems.add(overclaimed + " wallets have lots claiming more credits than they hold");
        if (badHoldDraws > 0) problems.add(badHoldDraws + " holds drew more from lots than they hold, from another wallet's lots, or are no longer pending");
        if (!mismatches.isEmpty()) problems.add(mismatches.size() + " accounts' balances differ from their transfers");
        return new LedgerCheck(problems.isEmpty(), accounts, transfers, sum, outstanding, holdsBalance, mismatches, problems);
    }
}
