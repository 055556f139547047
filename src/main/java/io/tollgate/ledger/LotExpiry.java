package io.tollgate.ledger;

import io.tollgate.platform.SqlPipeline;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** What is left of expired grants (lots) leaves their wallets, one wallet per transaction. */
@Service
public class LotExpiry {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;

    LotExpiry(JdbcClient jdbc, Clock clock, TransactionTemplate transactions, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.transactions = transactions;
        this.events = events;
    }

    /**
     * What is left of expired lots leaves the wallet. Held credits are not in a lot's remaining (rule:
     * {@link Lots}), so this never takes credits a pending hold reserved.
     */
    public long expireLots(int limit) {
        Instant now = clock.instant();
        List<String> wallets = jdbc.sql("""
                SELECT DISTINCT account_id FROM (SELECT account_id FROM ledger_lots WHERE remaining > 0 AND expires_at <= ?
                ORDER BY expires_at LIMIT ?) due""")
                .params(Timestamp.from(now), limit).query(String.class).list();
        long expired = 0;
        for (String walletId : wallets) {
            Long taken = transactions.execute(status -> expireLotsOf(walletId, now));
            expired += taken == null ? 0 : taken;
        }
        return expired;
    }

    private long expireLotsOf(String walletId, Instant now) {
        long balance = Accounts.lockWallet(jdbc, walletId);
        List<Lots.Lot> due = Lots.live(jdbc, walletId).stream().filter(l -> l.expired(now)).toList();
        long expired = Lots.total(due);
        if (expired > balance) {
            // The invariant every movement keeps (a lot's remaining is free credit, within the balance).
            throw new IllegalStateException("lots of " + walletId + " claim " + expired + " credits but its balance is " + balance);
        }
        for (Lots.Lot lot : due) {
            Accounts.transfer(jdbc, walletId, Accounts.EXPIRY, lot.credits(), "expire", null, lot.id(), "grant expired");
        }
        SqlPipeline writes = new SqlPipeline();
        Lots.adjust(writes, Lots.taking(due.stream().map(l -> new Lots.Draw(l.id(), l.credits())).toList()));
        writes.run(jdbc);
        if (expired > 0) {
            Accounts.adjust(jdbc, Map.of(walletId, -expired));
            Accounts.adjust(jdbc, Map.of(Accounts.EXPIRY, expired));
            LedgerEvents.WalletRef wallet = Accounts.walletRef(jdbc, walletId);
            events.publishEvent(new LedgerEvents.Expired(wallet, expired, balance - expired));
            events.publishEvent(new LedgerEvents.Lowered(List.of(new LedgerEvents.Change(wallet, balance, balance - expired))));
        }
        jdbc.sql("""
                UPDATE ledger_accounts SET has_expiring = EXISTS (SELECT 1 FROM ledger_lots WHERE account_id = ? AND remaining > 0)
                WHERE id = ?""").params(walletId, walletId).update();
        return expired;
    }
}
