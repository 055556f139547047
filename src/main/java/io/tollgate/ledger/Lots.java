package io.tollgate.ledger;

import java.sql.Timestamp;
import java.time.Instant;
import io.tollgate.platform.SqlPipeline;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Expiring grants: spending takes the soonest-expiring lot first (FEFO). Caller holds the wallet lock. */
final class Lots {
    private Lots() {}

    /**
     * @param includeExpired true when capturing a hold: the held credits were taken before their lot
     *                       expired, so they may come from an expired lot; a plain spend may not.
     */
    private static final String CONSUME = """
            UPDATE ledger_lots l SET remaining = l.remaining - least(l.remaining, ? - (o.running - l.remaining))
            FROM (SELECT id, remaining, sum(remaining) OVER (ORDER BY expires_at, id) AS running
                  FROM ledger_lots WHERE account_id = ? AND remaining > 0 AND (? OR expires_at > ?)) o
            WHERE l.id = o.id AND o.running - o.remaining < ?""";

    static void consume(JdbcClient jdbc, String walletId, long amount, Instant now, boolean includeExpired) {
        SqlPipeline pipeline = new SqlPipeline();
        consume(pipeline, walletId, amount, now, includeExpired);
        pipeline.run(jdbc);
    }

    static void consume(SqlPipeline pipeline, String walletId, long amount, Instant now, boolean includeExpired) {
        pipeline.add(CONSUME, amount, walletId, includeExpired, Timestamp.from(now), amount);
    }
}
