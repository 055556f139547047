package io.tollgate.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.ApiTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V95 on a ledger written before it: a lot's remaining then still counted the credits pending holds
 * took from it. The migration gives each wallet's pending holds (oldest first) the soonest-expiring
 * lot credits — what a capture took before — and takes them out of remaining, so afterwards no lot
 * claims more than its wallet's free balance and a capture spends exactly what it did before.
 */
class HoldLotsMigrationTest extends ApiTest {
    @Autowired
    DataSource shared;

    @Test
    void pendingHoldsGetTheSoonestExpiringLotCredits() throws IOException {
        List<String> before = LedgerSchemas.TABLES.subList(0, LedgerSchemas.TABLES.indexOf("ledger_hold_lots"));
        try (HikariDataSource schema = LedgerSchemas.isolated(shared, "ledger_v95", before, 1)) {
            JdbcClient db = JdbcClient.create(schema);
            Instant now = Instant.now();
            // Wallet A, old style: 100 without expiry and 5 lot credits free (balance 105); lots L1 (10, soonest)
            // and L2 (20) also back two pending holds, H1 (15, older) and H2 (10); H0 was captured already.
            db.sql("INSERT INTO ledger_accounts (id, kind, owner_type, owner_id, balance, has_expiring) VALUES"
                    + " ('wal_a', 'wallet', 'organization', 'org_a', 105, true), ('wal_b', 'wallet', 'organization', 'org_b', 50, false)").update();
            long grant = db.sql("INSERT INTO ledger_transfers (debit_account, credit_account, amount, kind) VALUES ('sys_issuance', 'wal_a', 30, 'grant')"
                    + " RETURNING id").query(Long.class).single();
            lot(db, "lot_1", grant, 10, now.plus(Duration.ofHours(1)));
            lot(db, "lot_2", grant, 20, now.plus(Duration.ofHours(2)));
            hold(db, "hld_0", "wal_a", 7, "captured", now.minus(Duration.ofMinutes(3)));
            hold(db, "hld_1", "wal_a", 15, "pending", now.minus(Duration.ofMinutes(2)));
            hold(db, "hld_2", "wal_a", 10, "pending", now.minus(Duration.ofMinutes(1)));
            hold(db, "hld_b", "wal_b", 10, "pending", now); // a wallet without lots: nothing to draw

            String v95 = new ClassPathResource("db/migration/V95__ledger_hold_lots.sql").getContentAsString(StandardCharsets.UTF_8);
            db.sql(v95).update();

            Map<String, Long> draws = new TreeMap<>();
            db.sql("SELECT hold_id, lot_id, amount FROM ledger_hold_lots").query(rs -> { draws.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3)); });
            assertThat(draws).isEqualTo(Map.of("hld_1/lot_1", 10L, "hld_1/lot_2", 5L, "hld_2/lot_2", 10L));
            Map<String, Long> remaining = new TreeMap<>();
            db.sql("SELECT id, remaining FROM ledger_lots").query(rs -> { remaining.put(rs.getString(1), rs.getLong(2)); });
            assertThat(remaining).as("the 5 free lot credits stay in the soonest-expiring lot left").isEqualTo(Map.of("lot_1", 0L, "lot_2", 5L));
        }
    }

    private static void lot(JdbcClient db, String id, long transferId, long remaining, Instant expiresAt) {
        db.sql("INSERT INTO ledger_lots (id, account_id, transfer_id, amount, remaining, expires_at) VALUES (?, 'wal_a', ?, ?, ?, ?)")
                .params(id, transferId, remaining, remaining, Timestamp.from(expiresAt)).update();
    }

    private static void hold(JdbcClient db, String id, String wallet, long amount, String status, Instant createdAt) {
        db.sql("INSERT INTO ledger_holds (id, account_id, amount, captured, status, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(id, wallet, amount, "captured".equals(status) ? amount : 0, status, Timestamp.from(createdAt.plus(Duration.ofHours(1))),
                        Timestamp.from(createdAt)).update();
    }
}
