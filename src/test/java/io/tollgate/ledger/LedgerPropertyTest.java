package io.tollgate.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.ApiTest;
import io.tollgate.MutableClock;
import io.tollgate.identity.EndUserMerged;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Property: whatever random sequence of grants (some expiring), purchases, spends, holds, captures,
 * releases, hold timeouts, lot expiries, refunds (with debts) and merges of users' wallets happens,
 * after every step: all accounts sum to zero; every balance equals the sum of its postings; no wallet
 * is below zero; the holds account holds exactly the pending holds; the system accounts hold what the
 * model says was issued, earned, refunded and expired; no expiring lot claims more than its wallet
 * holds; and the ledger's own check agrees.
 *
 * <p>50 seeds × 300 steps, run on the real Ledger against real PostgreSQL, each seed in a schema of
 * its own (copies of the ledger tables), so the invariants are checked over that run's ledger alone
 * and a few seeds can run at once. A failure names its seed and step, so it can be replayed.
 */
class LedgerPropertyTest extends ApiTest {
    private static final int SEEDS = 50;
    private static final int STEPS = 300;
    private static final int PARALLEL = 4;
    private static final List<String> TABLES = List.of("ledger_accounts", "ledger_transfers", "ledger_holds", "ledger_lots", "ledger_debts");

    @Autowired
    DataSource shared;

    @Test
    void invariantsHoldForRandomSequences() throws Exception {
        HikariDataSource base = (HikariDataSource) shared;
        List<Future<?>> runs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL)) {
            for (int lane = 0; lane < PARALLEL; lane++) {
                int first = lane;
                runs.add(pool.submit(() -> {
                    try (HikariDataSource schema = isolatedSchema(base, "ledger_property_" + first)) {
                        for (long seed = first; seed < SEEDS; seed += PARALLEL) new Run(schema, seed).play();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) run.get(5, TimeUnit.MINUTES);
        }
    }

    /** A schema with empty copies of the ledger tables (constraints, indexes, keys, the immutability trigger) and its own pool. */
    private HikariDataSource isolatedSchema(HikariDataSource base, String schema) {
        jdbc.sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE").update();
        jdbc.sql("CREATE SCHEMA " + schema).update();
        for (String table : TABLES) {
            jdbc.sql("CREATE TABLE " + schema + "." + table + " (LIKE public." + table + " INCLUDING ALL)").update();
        }
        jdbc.sql("ALTER TABLE " + schema + ".ledger_transfers ADD FOREIGN KEY (debit_account) REFERENCES " + schema + ".ledger_accounts (id),"
                + " ADD FOREIGN KEY (credit_account) REFERENCES " + schema + ".ledger_accounts (id)").update();
        for (String table : List.of("ledger_holds", "ledger_lots", "ledger_debts")) {
            jdbc.sql("ALTER TABLE " + schema + "." + table + " ADD FOREIGN KEY (account_id) REFERENCES " + schema + ".ledger_accounts (id)").update();
        }
        jdbc.sql("CREATE TRIGGER immutable BEFORE UPDATE OR DELETE ON " + schema + ".ledger_transfers FOR EACH ROW"
                + " EXECUTE FUNCTION public.ledger_transfers_immutable()").update();
        jdbc.sql("INSERT INTO " + schema + ".ledger_accounts (id, kind, owner_type, owner_id) SELECT id, kind, owner_type, owner_id"
                + " FROM public.ledger_accounts WHERE kind = 'system'").update();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(base.getJdbcUrl());
        config.setUsername(base.getUsername());
        config.setMaximumPoolSize(2);
        config.setConnectionInitSql("SET search_path TO " + schema);
        return new HikariDataSource(config);
    }

    /** One seed's run: its own wallets, clock and model of what the system accounts must hold. */
    private static final class Run {
        private final JdbcClient db;
        private final TransactionTemplate tx;
        private final MutableClock clock = new MutableClock();
        private final Ledger ledger;
        private final SplittableRandom random;
        private final long seed;
        private final List<String> wallets = new ArrayList<>();
        private final List<String> users = new ArrayList<>();
        private final List<String> pending = new ArrayList<>();
        private long issued;
        private long earned;
        private long refunded;
        private long expired;
        private int step;
        private String action = "";

        Run(DataSource schema, long seed) {
            this.db = JdbcClient.create(schema);
            this.tx = new TransactionTemplate(new JdbcTransactionManager(schema));
            this.ledger = new Ledger(db, clock, tx, event -> {});
            this.random = new SplittableRandom(seed);
            this.seed = seed;
        }

        void play() {
            // Fresh per seed: the schema's ledger holds this run only (system accounts back at zero).
            db.sql("TRUNCATE ledger_debts, ledger_lots, ledger_holds, ledger_transfers RESTART IDENTITY").update();
            db.sql("DELETE FROM ledger_accounts WHERE kind = 'wallet'").update();
            db.sql("UPDATE ledger_accounts SET balance = 0").update();
            for (int i = 0; i < 3; i++) wallets.add(ledger.walletFor(WalletOwner.ORGANIZATION, "org-" + seed + "-" + i, null));
            for (int i = 0; i < 3; i++) addUser();
            for (step = 0; step < STEPS; step++) {
                act();
                assertInvariants();
            }
        }

        private void addUser() {
            String user = Ids.next("usr");
            users.add(user);
            wallets.add(ledger.walletFor(WalletOwner.END_USER, user, "app-" + seed));
        }

        private String what() {
            return "seed " + seed + " step " + step + " (" + action + ")";
        }

        private <T> T inTx(Supplier<T> work) {
            return tx.execute(s -> work.get());
        }

        private void act() {
            String wallet = wallets.get(random.nextInt(wallets.size()));
            long amount = 1 + random.nextInt(40);
            int choice = random.nextInt(12);
            action = List.of("grant", "grant", "spend", "hold", "capture", "release", "clock", "sweep", "refund", "purchase", "merge", "merge")
                    .get(choice) + " " + amount + " on " + wallet;
            switch (choice) {
                case 0, 1 -> {
                    boolean expires = random.nextBoolean();
                    inTx(() -> ledger.grant(wallet, amount, "property", expires ? clock.instant().plus(Duration.ofMinutes(1 + random.nextInt(120))) : null, what()));
                    issued += amount;
                }
                case 2 -> {
                    if (stage(wallet, amount, null)) earned += amount;
                }
                case 3 -> {
                    String holdId = Ids.next("hld");
                    if (stage(wallet, amount, holdId)) pending.add(holdId);
                }
                case 4 -> {
                    if (pending.isEmpty()) return;
                    String hold = pending.remove(random.nextInt(pending.size()));
                    long held = db.sql("SELECT amount FROM ledger_holds WHERE id = ?").param(hold).query(Long.class).single();
                    long take = random.nextLong(held + 1);
                    try {
                        earned += inTx(() -> ledger.capture(hold, take)).captured();
                    } catch (ApiException timedOut) {
                        assertThat(timedOut.code()).as(what()).isEqualTo("HOLD_NOT_PENDING");
                    }
                }
                case 5 -> {
                    if (pending.isEmpty()) return;
                    String hold = pending.remove(random.nextInt(pending.size()));
                    try {
                        inTx(() -> ledger.release(hold));
                    } catch (ApiException timedOut) {
                        assertThat(timedOut.code()).as(what()).isEqualTo("HOLD_NOT_PENDING");
                    }
                }
                case 6 -> clock.advance(Duration.ofMinutes(random.nextInt(30)));
                case 7 -> {
                    ledger.expireHolds(1_000);
                    expired += ledger.expireLots(1_000);
                }
                case 8 -> {
                    long debtBefore = ledger.debt(wallet);
                    Ledger.Refund refund = inTx(() -> ledger.refund(wallet, amount, what()));
                    assertThat(refund.takenBack() + refund.debt()).as(what()).isEqualTo(amount);
                    assertThat(ledger.debt(wallet)).as(what() + ": debt recorded").isEqualTo(debtBefore + refund.debt());
                    refunded += refund.takenBack();
                }
                case 9 -> {
                    long debtBefore = ledger.debt(wallet);
                    inTx(() -> ledger.grantPurchase(wallet, amount, what()));
                    long repaid = debtBefore - ledger.debt(wallet);
                    assertThat(repaid).as(what() + ": debt repaid first").isEqualTo(Math.min(debtBefore, amount));
                    issued += amount;
                    refunded += repaid;
                }
                default -> merge();
            }
        }

        /** A user folded into another brings balance, lots and pending holds; the first is not used again. */
        private void merge() {
            String from = users.remove(random.nextInt(users.size()));
            String into = users.get(random.nextInt(users.size()));
            String fromWallet = ledger.walletFor(WalletOwner.END_USER, from, "app-" + seed);
            String intoWallet = ledger.walletFor(WalletOwner.END_USER, into, "app-" + seed);
            long total = ledger.balance(fromWallet) + ledger.balance(intoWallet);
            inTx(() -> { ledger.mergeEndUser(new EndUserMerged(from, into, "app-" + seed)); return null; });
            assertThat(ledger.balance(fromWallet)).as(what()).isZero();
            assertThat(ledger.balance(intoWallet)).as(what()).isEqualTo(total);
            assertThat(db.sql("SELECT count(*) FROM ledger_holds WHERE account_id = ? AND status = 'pending'").param(fromWallet)
                    .query(Long.class).single()).as(what() + ": holds moved").isZero();
            wallets.remove(fromWallet);
            addUser();
        }

        /** A spend (holdId null) or a hold, if the wallet can afford it; the ledger must refuse otherwise. */
        private boolean stage(String wallet, long amount, String holdId) {
            try {
                tx.executeWithoutResult(s -> {
                    LedgerSession session = ledger.lock(List.of(wallet));
                    session.stage(holdId == null ? Posting.spend(wallet, amount, "property")
                            : Posting.hold(wallet, amount, "property", holdId, clock.instant().plus(Duration.ofMinutes(20))));
                    session.finish();
                });
                return true;
            } catch (IllegalStateException refused) {
                assertThat(refused.getMessage()).as(what()).contains("exceeds spendable");
                return false;
            }
        }

        private void assertInvariants() {
            Map<String, Object> row = db.sql("""
                    SELECT (SELECT coalesce(sum(balance), 0) FROM ledger_accounts) AS total,
                      (SELECT count(*) FROM ledger_accounts a WHERE a.balance <>
                         coalesce((SELECT sum(amount) FROM ledger_transfers WHERE credit_account = a.id), 0)
                         - coalesce((SELECT sum(amount) FROM ledger_transfers WHERE debit_account = a.id), 0)) AS unposted,
                      (SELECT count(*) FROM ledger_accounts WHERE kind = 'wallet' AND balance < 0) AS negative,
                      (SELECT balance FROM ledger_accounts WHERE id = 'sys_holds')
                         - (SELECT coalesce(sum(amount - captured), 0) FROM ledger_holds WHERE status = 'pending') AS unbacked,
                      (SELECT count(*) FROM ledger_debts WHERE repaid > amount) AS overpaid,
                      (SELECT count(*) FROM ledger_accounts a WHERE a.kind = 'wallet'
                         AND (SELECT coalesce(sum(remaining), 0) FROM ledger_lots l WHERE l.account_id = a.id)
                         > a.balance + (SELECT coalesce(sum(amount - captured), 0) FROM ledger_holds h WHERE h.account_id = a.id AND h.status = 'pending'))
                         AS overclaimed,
                      (SELECT -balance FROM ledger_accounts WHERE id = 'sys_issuance') AS issued,
                      (SELECT balance FROM ledger_accounts WHERE id = 'sys_revenue') AS earned,
                      (SELECT balance FROM ledger_accounts WHERE id = 'sys_refunds') AS refunded,
                      (SELECT balance FROM ledger_accounts WHERE id = 'sys_expiry') AS expired""").query().singleRow();
            String what = what() + ": " + row;
            assertThat(((Number) row.get("total")).longValue()).as(what).isZero();
            assertThat(((Number) row.get("unposted")).longValue()).as(what).isZero();
            assertThat(((Number) row.get("negative")).longValue()).as(what).isZero();
            assertThat(((Number) row.get("unbacked")).longValue()).as(what).isZero();
            assertThat(((Number) row.get("overpaid")).longValue()).as(what).isZero();
            assertThat(((Number) row.get("overclaimed")).longValue()).as(what + ": lots claim more than the wallet holds").isZero();
            assertThat(((Number) row.get("issued")).longValue()).as(what).isEqualTo(issued);
            assertThat(((Number) row.get("earned")).longValue()).as(what).isEqualTo(earned);
            assertThat(((Number) row.get("refunded")).longValue()).as(what).isEqualTo(refunded);
            assertThat(((Number) row.get("expired")).longValue()).as(what).isEqualTo(expired);
            // The same invariants as the ledger's own check, which must agree (every few steps: it is the slower way).
            if (step % 10 == 9 || step == STEPS - 1) {
                LedgerCheck check = ledger.check();
                assertThat(check.ok()).as(what() + ": " + check.problems()).isTrue();
            }
        }
    }
}
