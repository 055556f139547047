package io.tollgate.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.ApiTest;
import io.tollgate.identity.EndUserMerged;
import io.tollgate.platform.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Property: whatever random grants (some expiring), purchases, spends and holds (batched over several
 * wallets as a metering batch does), captures (whole, partial, nothing), releases, hold timeouts, lot
 * expiries, refunds (with debts) and merges of users' wallets happen — several threads at once, on the
 * same wallets — every wallet's balance, lots, pending holds (and which lots they drew on) and debt are
 * what a model of the ledger's rule says, `spendable` agrees with the model before every posting, the
 * system accounts hold what was issued, earned, refunded and expired, and the ledger's invariants and
 * its own check hold.
 *
 * <p>The model is the rule of {@link Lots} written again, plainly, in this test: a spend and a hold take
 * unexpired lots soonest-expiring first, then credits without expiry; a capture takes the hold's own lots
 * first (expired or not); release gives them back; the sweep expires what is left of expired lots and
 * times out holds; a refund takes credits without expiry first, then lots soonest-expiring first.
 *
 * <p>How the model stays exact under concurrency: every operation first locks its wallets (in id order,
 * through {@link Wallets#lock}), and only then reads and changes the model's state of those wallets, so
 * the model sees the operations on a wallet in the order their row locks — and so their commits — come.
 * The clock moves, and the sweep runs, only between rounds, when no operation is in flight; then every
 * wallet is compared with the model. Each seed runs in a schema of its own (copies of the ledger tables),
 * so the system accounts hold that run alone. A failure names its seed, round and operation.
 */
class LedgerPropertyTest extends ApiTest {
    private static final int SEEDS = 8;
    private static final int ROUNDS = 30;
    private static final int THREADS = 4;
    private static final int OPS_PER_THREAD_AND_ROUND = 8;

    @Autowired
    DataSource shared;

    /** How often each case worth testing happened, over all seeds: a run that stopped reaching one would prove nothing about it. */
    private final Map<String, LongAdder> seen = new ConcurrentHashMap<>();

    @Test
    void everyWalletMatchesTheModelUnderConcurrentRandomSequences() throws Exception {
        try (HikariDataSource schema = LedgerSchemas.isolated(shared, "ledger_property", LedgerSchemas.TABLES, THREADS + 1);
             ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (long seed = 0; seed < SEEDS; seed++) new Run(schema, seed, pool, seen).play();
        }
        assertThat(seen.keySet()).as("cases reached: " + seen).containsExactlyInAnyOrder(Model.CASES.toArray(String[]::new));
    }

    /** Time that moves only when told, so "expired" means the same to the model and the ledger. */
    private static final class StepClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override public Instant instant() {
            return now.get();
        }

        @Override public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** The rule, stated again independently of {@link Lots}; one instance per seed, guarded by its own monitor. */
    private static final class Model {
        static final List<String> CASES = List.of("hold drew on lots", "spend refused", "hold captured whole", "hold captured in part",
                "hold captured from a lot expired meanwhile", "hold released", "hold timed out", "lot expired", "refund left a debt",
                "debt repaid", "merge moved a pending hold", "merge moved lots");
        private final Map<String, LongAdder> seen;

        Model(Map<String, LongAdder> seen) {
            this.seen = seen;
        }

        void saw(String what) {
            if (!CASES.contains(what)) throw new IllegalArgumentException(what);
            seen.computeIfAbsent(what, k -> new LongAdder()).increment();
        }

        static final class Wallet {
            long plain; // free credits without expiry
            final Map<String, Long> lots = new HashMap<>(); // lot id → its free credits
            long debt;
            boolean alive = true;
            final String userId; // null for an organization

            Wallet(String userId) {
                this.userId = userId;
            }
        }

        record Hold(String id, String walletId, long amount, Map<String, Long> draws, Instant expiresAt) {}

        final Map<String, Wallet> wallets = new LinkedHashMap<>();
        final Map<String, Hold> pending = new LinkedHashMap<>();
        final Map<String, Instant> lotExpiry = new HashMap<>();
        long issued;
        long earned;
        long refunded;
        long expired;

        private List<String> fefo(Iterable<String> lotIds) {
            List<String> ids = new ArrayList<>();
            lotIds.forEach(ids::add);
            ids.sort(Comparator.comparing((String id) -> lotExpiry.get(id)).thenComparing(id -> id));
            return ids;
        }

        private boolean expired(String lotId, Instant now) {
            return !lotExpiry.get(lotId).isAfter(now);
        }

        long balance(String walletId) {
            Wallet w = wallets.get(walletId);
            return w.plain + w.lots.values().stream().mapToLong(Long::longValue).sum();
        }

        long spendable(String walletId, Instant now) {
            Wallet w = wallets.get(walletId);
            long expiredLeft = w.lots.entrySet().stream().filter(e -> expired(e.getKey(), now)).mapToLong(Map.Entry::getValue).sum();
            return balance(walletId) - expiredLeft;
        }

        void grant(String walletId, long amount, String lotId, Instant expiresAt) {
            issued += amount;
            if (lotId == null) {
                wallets.get(walletId).plain += amount;
            } else {
                lotExpiry.put(lotId, expiresAt);
                wallets.get(walletId).lots.put(lotId, amount);
            }
        }

        /** A spend or a hold: unexpired lots soonest-expiring first, then credits without expiry. What it took from lots. */
        Map<String, Long> take(String walletId, long amount, Instant now) {
            Wallet w = wallets.get(walletId);
            Map<String, Long> draws = new LinkedHashMap<>();
            long left = amount;
            for (String lot : fefo(w.lots.keySet())) {
                if (left == 0) break;
                long take = Math.min(left, w.lots.get(lot));
                if (take == 0 || expired(lot, now)) continue;
                w.lots.merge(lot, -take, Long::sum);
                draws.put(lot, take);
                left -= take;
            }
            if (left > w.plain) throw new AssertionError("model: " + amount + " is not spendable from " + walletId);
            w.plain -= left;
            return draws;
        }

        void spend(String walletId, long amount, Instant now) {
            take(walletId, amount, now);
            earned += amount;
        }

        void hold(String holdId, String walletId, long amount, Instant now, Instant expiresAt) {
            Map<String, Long> draws = take(walletId, amount, now);
            if (!draws.isEmpty()) saw("hold drew on lots");
            pending.put(holdId, new Hold(holdId, walletId, amount, draws, expiresAt));
        }

        /** Capture (0 = release): the hold's lots soonest-expiring first, expired or not, then its credits without expiry; the rest goes back. */
        void finish(String holdId, long capture, Instant now) {
            Hold h = pending.remove(holdId);
            if (capture > 0) saw(capture == h.amount() ? "hold captured whole" : "hold captured in part");
            if (capture > 0 && h.draws().keySet().stream().anyMatch(lot -> expired(lot, now))) saw("hold captured from a lot expired meanwhile");
            Wallet w = wallets.get(h.walletId());
            long left = capture;
            long fromLots = 0;
            for (String lot : fefo(h.draws().keySet())) {
                long drawn = h.draws().get(lot);
                fromLots += drawn;
                long take = Math.min(left, drawn);
                left -= take;
                if (drawn > take) w.lots.merge(lot, drawn - take, Long::sum);
            }
            w.plain += (h.amount() - fromLots) - left;
            earned += capture;
        }

        /** Credits without expiry first, then lots soonest-expiring first (expired included); the rest is a debt. */
        long refund(String walletId, long credits) {
            Wallet w = wallets.get(walletId);
            long taken = Math.min(credits, balance(walletId));
            long fromPlain = Math.min(taken, w.plain);
            w.plain -= fromPlain;
            long left = taken - fromPlain;
            for (String lot : fefo(w.lots.keySet())) {
                long take = Math.min(left, w.lots.get(lot));
                w.lots.merge(lot, -take, Long::sum);
                left -= take;
            }
            w.debt += credits - taken;
            if (credits > taken) saw("refund left a debt");
            refunded += taken;
            return taken;
        }

        void purchase(String walletId, long amount) {
            Wallet w = wallets.get(walletId);
            issued += amount;
            long repaid = Math.min(w.debt, amount);
            w.debt -= repaid;
            w.plain += amount - repaid;
            refunded += repaid;
            if (repaid > 0) saw("debt repaid");
        }

        void merge(String fromWallet, String intoWallet) {
            Wallet from = wallets.get(fromWallet);
            Wallet into = wallets.get(intoWallet);
            into.plain += from.plain;
            from.plain = 0;
            if (!from.lots.isEmpty()) saw("merge moved lots");
            if (pending.values().stream().anyMatch(h -> h.walletId().equals(fromWallet))) saw("merge moved a pending hold");
            from.lots.forEach((lot, left) -> into.lots.merge(lot, left, Long::sum));
            from.lots.clear();
            from.alive = false;
            pending.replaceAll((id, h) -> h.walletId().equals(fromWallet) ? new Hold(id, intoWallet, h.amount(), h.draws(), h.expiresAt()) : h);
        }

        /** The sweep: holds past their time are released, then what is left of expired lots expires. */
        void sweep(Instant now) {
            for (Hold h : List.copyOf(pending.values())) {
                if (!h.expiresAt().isAfter(now)) {
                    finish(h.id(), 0, now);
                    saw("hold timed out");
                }
            }
            for (Wallet w : wallets.values()) {
                for (Map.Entry<String, Long> lot : w.lots.entrySet()) {
                    if (expired(lot.getKey(), now) && lot.getValue() > 0) {
                        saw("lot expired");
                        expired += lot.getValue();
                        lot.setValue(0L);
                    }
                }
            }
        }
    }

    /** One seed's run: its wallets, clock, model, and the threads that act on them at once. */
    private static final class Run {
        private final JdbcClient db;
        private final TransactionTemplate tx;
        private final StepClock clock = new StepClock();
        private final Wallets wallets;
        private final Grants grants;
        private final Holds holds;
        private final LotExpiry lotExpiry;
        private final WalletMerge walletMerge;
        private final LedgerInvariants invariants;
        private final long seed;
        private final ExecutorService pool;
        private final Model model;
        private final SplittableRandom random;
        private int round;

        Run(DataSource schema, long seed, ExecutorService pool, Map<String, LongAdder> seen) {
            this.model = new Model(seen);
            this.db = JdbcClient.create(schema);
            this.tx = new TransactionTemplate(new JdbcTransactionManager(schema));
            // The ledger's classes on this seed's own schema: plain instances, not the application's beans.
            this.wallets = new Wallets(db, clock, tx, event -> {});
            this.grants = new Grants(db, clock, event -> {});
            this.holds = new Holds(db, clock, tx);
            this.lotExpiry = new LotExpiry(db, clock, tx, event -> {});
            this.walletMerge = new WalletMerge(db, wallets);
            this.invariants = new LedgerInvariants(db);
            this.seed = seed;
            this.pool = pool;
            this.random = new SplittableRandom(seed);
        }

        void play() throws Exception {
            // Fresh per seed: the schema's ledger holds this run only (system accounts back at zero).
            db.sql("TRUNCATE ledger_hold_lots, ledger_debts, ledger_lots, ledger_holds, ledger_transfers RESTART IDENTITY").update();
            db.sql("DELETE FROM ledger_accounts WHERE kind = 'wallet'").update();
            db.sql("UPDATE ledger_accounts SET balance = 0").update();
            for (int i = 0; i < 3; i++) {
                String wallet = wallets.walletFor(WalletOwner.ORGANIZATION, "org-" + seed + "-" + i, null);
                model.wallets.put(wallet, new Model.Wallet(null));
            }
            for (int i = 0; i < 5; i++) addUser();
            for (round = 0; round < ROUNDS; round++) {
                List<Callable<Void>> workers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    SplittableRandom threadRandom = random.split();
                    int thread = t;
                    workers.add(() -> {
                        for (int op = 0; op < OPS_PER_THREAD_AND_ROUND; op++) new Op(threadRandom, thread + "." + op).run();
                        return null;
                    });
                }
                for (Future<Void> worker : pool.invokeAll(workers)) worker.get(2, TimeUnit.MINUTES);
                clock.advance(Duration.ofMinutes(random.nextInt(30)));
                holds.expireHolds(10_000);
                long expiredNow = lotExpiry.expireLots(10_000);
                long expiredBefore = model.expired;
                model.sweep(clock.instant());
                assertThat(expiredNow).as(where("sweep")).isEqualTo(model.expired - expiredBefore);
                assertMatchesModel();
            }
            LedgerCheck check = invariants.check();
            assertThat(check.ok()).as(where("check") + ": " + check.problems()).isTrue();
        }

        private String where(String what) {
            return "seed " + seed + " round " + round + " (" + what + ")";
        }

        private void addUser() {
            String user = Ids.next("usr");
            String wallet = wallets.walletFor(WalletOwner.END_USER, user, "app-" + seed);
            synchronized (model) {
                model.wallets.put(wallet, new Model.Wallet(user));
            }
        }

        /** One random operation of one thread. */
        private final class Op {
            private final SplittableRandom random;
            private final String name;
            private String what = "";

            Op(SplittableRandom random, String name) {
                this.random = random;
                this.name = name;
            }

            private String what() {
                return where("thread " + name + ": " + what);
            }

            void run() {
                switch (random.nextInt(12)) {
                    case 0, 1 -> grant();
                    case 2 -> purchase();
                    case 3, 4, 5 -> batch();
                    case 6, 7 -> finish(true);
                    case 8 -> finish(false);
                    case 9 -> refund();
                    default -> merge();
                }
            }

            private List<String> alive(boolean usersOnly) {
                synchronized (model) {
                    return model.wallets.entrySet().stream().filter(e -> e.getValue().alive && (!usersOnly || e.getValue().userId != null))
                            .map(Map.Entry::getKey).toList();
                }
            }

            private String anyWallet() {
                List<String> alive = alive(false);
                return alive.get(random.nextInt(alive.size()));
            }

            /** Locks the wallets (the ledger's lock, id order) in a transaction, then runs the work unless one of them was merged away meanwhile. */
            private void locked(List<String> walletIds, Runnable work) {
                tx.executeWithoutResult(s -> {
                    wallets.lock(walletIds);
                    synchronized (model) {
                        if (walletIds.stream().anyMatch(w -> !model.wallets.get(w).alive)) return;
                    }
                    work.run();
                });
            }

            private void grant() {
                String wallet = anyWallet();
                long amount = 1 + random.nextInt(40);
                Instant expiresAt = random.nextBoolean() ? clock.instant().plus(Duration.ofMinutes(1 + random.nextInt(120))) : null;
                what = "grant " + amount + (expiresAt == null ? "" : " expiring") + " to " + wallet;
                locked(List.of(wallet), () -> {
                    Grant grant = grants.grant(wallet, amount, "property", expiresAt, what);
                    synchronized (model) {
                        model.grant(wallet, amount, grant.lotId(), expiresAt);
                        assertThat(grant.balance()).as(what()).isEqualTo(model.balance(wallet));
                    }
                });
            }

            private void purchase() {
                String wallet = anyWallet();
                long amount = 1 + random.nextInt(40);
                what = "purchase " + amount + " by " + wallet;
                locked(List.of(wallet), () -> {
                    Grant grant = grants.grantPurchase(wallet, amount, what);
                    synchronized (model) {
                        model.purchase(wallet, amount);
                        assertThat(grant.balance()).as(what()).isEqualTo(model.balance(wallet));
                    }
                });
            }

            /** As a metering batch: a few wallets locked at once, several spends and holds decided against spendable, written together. */
            private void batch() {
                List<String> alive = alive(false);
                List<String> picked = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) picked.add(alive.get(random.nextInt(alive.size())));
                List<String> distinct = picked.stream().distinct().toList();
                int postings = 1 + random.nextInt(4);
                what = "batch of " + postings + " on " + distinct;
                tx.executeWithoutResult(s -> {
                    LedgerSession session = wallets.lock(distinct);
                    Instant now = clock.instant();
                    synchronized (model) {
                        if (distinct.stream().anyMatch(w -> !model.wallets.get(w).alive)) return;
                        for (String w : distinct) {
                            assertThat(session.spendable(w)).as(what() + ": spendable of " + w).isEqualTo(model.spendable(w, now));
                            assertThat(session.balance(w)).as(what() + ": balance of " + w).isEqualTo(model.balance(w));
                        }
                        for (int i = 0; i < postings; i++) {
                            String w = distinct.get(random.nextInt(distinct.size()));
                            long amount = 1 + random.nextInt(random.nextBoolean() ? 10 : 60);
                            boolean hold = random.nextInt(3) == 0;
                            String holdId = Ids.next("hld");
                            Instant holdExpires = now.plus(Duration.ofMinutes(5 + random.nextInt(60)));
                            Posting p = hold ? Posting.hold(w, amount, "property", holdId, holdExpires) : Posting.spend(w, amount, "property");
                            if (amount > model.spendable(w, now)) {
                                assertThatThrownBy(() -> session.stage(p)).as(what()).hasMessageContaining("exceeds spendable");
                                model.saw("spend refused");
                                continue;
                            }
                            session.stage(p);
                            if (hold) model.hold(holdId, w, amount, now, holdExpires);
                            else model.spend(w, amount, now);
                            assertThat(session.spendable(w)).as(what() + ": spendable of " + w + " after " + amount).isEqualTo(model.spendable(w, now));
                        }
                    }
                    session.finish();
                });
            }

            /** Capture (all, part or nothing) or release a pending hold. */
            private void finish(boolean capture) {
                Model.Hold picked;
                synchronized (model) {
                    if (model.pending.isEmpty()) return;
                    List<Model.Hold> holds = List.copyOf(model.pending.values());
                    picked = holds.get(random.nextInt(holds.size()));
                }
                long take = !capture ? 0 : switch (random.nextInt(3)) {
                    case 0 -> picked.amount();
                    case 1 -> random.nextLong(picked.amount() + 1);
                    default -> 0;
                };
                what = (capture ? "capture " + take + " of " : "release ") + picked.amount() + " held by " + picked.id();
                locked(List.of(picked.walletId()), () -> {
                    synchronized (model) {
                        Model.Hold now = model.pending.get(picked.id());
                        // Finished or moved by another thread while this one waited for the lock: nothing to do.
                        if (now == null || !now.walletId().equals(picked.walletId())) return;
                    }
                    HoldResult result = capture ? holds.capture(picked.id(), take) : holds.release(picked.id());
                    synchronized (model) {
                        model.finish(picked.id(), take, clock.instant());
                        if (!capture) model.saw("hold released");
                        assertThat(result.captured()).as(what()).isEqualTo(take);
                        assertThat(result.balance()).as(what()).isEqualTo(model.balance(picked.walletId()));
                    }
                });
            }

            private void refund() {
                String wallet = anyWallet();
                long credits = 1 + random.nextInt(60);
                what = "refund " + credits + " from " + wallet;
                locked(List.of(wallet), () -> {
                    Refund refund = grants.refund(wallet, credits, what);
                    synchronized (model) {
                        long taken = model.refund(wallet, credits);
                        assertThat(refund.takenBack()).as(what()).isEqualTo(taken);
                        assertThat(refund.debt()).as(what()).isEqualTo(credits - taken);
                    }
                });
            }

            /** A user folded into another brings balance, lots and pending holds; the first is not used again, a new user joins. */
            private void merge() {
                List<String> users = alive(true);
                if (users.size() < 2) return;
                String from = users.get(random.nextInt(users.size()));
                String into = users.get(random.nextInt(users.size()));
                if (from.equals(into)) return;
                String fromUser;
                String intoUser;
                synchronized (model) {
                    fromUser = model.wallets.get(from).userId;
                    intoUser = model.wallets.get(into).userId;
                }
                what = "merge " + from + " into " + into;
                boolean[] merged = {false};
                locked(List.of(from, into), () -> {
                    walletMerge.mergeEndUser(new EndUserMerged(fromUser, intoUser, "app-" + seed));
                    synchronized (model) {
                        model.merge(from, into);
                    }
                    merged[0] = true;
                });
                if (merged[0]) addUser();
            }
        }

        /** Every wallet, hold and draw as the model says; the system accounts; the invariants. */
        private void assertMatchesModel() {
            String where = where("after the sweep");
            Map<String, Long> balances = new TreeMap<>();
            db.sql("SELECT id, balance FROM ledger_accounts WHERE kind = 'wallet'").query(rs -> { balances.put(rs.getString(1), rs.getLong(2)); });
            Map<String, Map<String, Long>> lots = new TreeMap<>();
            db.sql("SELECT account_id, id, remaining FROM ledger_lots WHERE remaining > 0")
                    .query(rs -> { lots.computeIfAbsent(rs.getString(1), w -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3)); });
            Map<String, Long> debts = new TreeMap<>();
            db.sql("SELECT account_id, sum(amount - repaid) FROM ledger_debts GROUP BY 1 HAVING sum(amount - repaid) > 0")
                    .query(rs -> { debts.put(rs.getString(1), rs.getLong(2)); });
            Map<String, String> holds = new TreeMap<>();
            db.sql("SELECT id, account_id, amount FROM ledger_holds WHERE status = 'pending'")
                    .query(rs -> { holds.put(rs.getString(1), rs.getString(2) + " " + rs.getLong(3)); });
            Map<String, Map<String, Long>> draws = new TreeMap<>();
            db.sql("SELECT hold_id, lot_id, amount FROM ledger_hold_lots")
                    .query(rs -> { draws.computeIfAbsent(rs.getString(1), h -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3)); });

            Map<String, Long> expectedBalances = new TreeMap<>();
            Map<String, Map<String, Long>> expectedLots = new TreeMap<>();
            Map<String, Long> expectedDebts = new TreeMap<>();
            model.wallets.forEach((id, w) -> {
                expectedBalances.put(id, model.balance(id));
                Map<String, Long> live = new TreeMap<>();
                w.lots.forEach((lot, left) -> { if (left > 0) live.put(lot, left); });
                if (!live.isEmpty()) expectedLots.put(id, live);
                if (w.debt > 0) expectedDebts.put(id, w.debt);
            });
            Map<String, String> expectedHolds = new TreeMap<>();
            Map<String, Map<String, Long>> expectedDraws = new TreeMap<>();
            model.pending.forEach((id, h) -> {
                expectedHolds.put(id, h.walletId() + " " + h.amount());
                if (!h.draws().isEmpty()) expectedDraws.put(id, new TreeMap<>(h.draws()));
            });
            assertThat(balances).as(where + ": balances").isEqualTo(expectedBalances);
            assertThat(lots).as(where + ": lots with credits left").isEqualTo(expectedLots);
            assertThat(holds).as(where + ": pending holds").isEqualTo(expectedHolds);
            assertThat(draws).as(where + ": what pending holds took from lots").isEqualTo(expectedDraws);
            assertThat(debts).as(where + ": debts").isEqualTo(expectedDebts);

            Map<String, Object> row = db.sql("""
                    SELECT (SELECT coalesce(sum(balance), 0) FROM ledger_accounts) AS total,
                      (SELECT count(*) FROM ledger_accounts a WHERE a.balance <>
                         coalesce((SELECT sum(amount) FROM ledger_transfers WHERE credit_account = a.id), 0)
                         - coalesce((SELECT sum(amount) FROM ledger_transfers WHERE debit_account = a.id), 0)) AS unposted,
                      (SELECT balance FROM ledger_accounts WHERE id = 'sys_holds')
                         - (SELECT coalesce(sum(amount), 0) FROM ledger_holds WHERE status = 'pending') AS unbacked,
                      (SELECT -balance FROM ledger_accounts WHERE id = 'sys_issuance') AS issued,
                      (SELECT balance FROM ledger_accounts WHERE id = 'sys_revenue') AS earned,
                      (SELECT balance FROM ledger_accounts WHERE id = 'sys_refunds') AS refunded,
                      (SELECT balance FROM ledger_accounts WHERE id = 'sys_expiry') AS expired""").query().singleRow();
            String what = where + ": " + row;
            assertThat(((Number) row.get("total")).longValue()).as(what).isZero();
            assertThat(((Number) row.get("unposted")).longValue()).as(what).isZero();
            assertThat(((Number) row.get("unbacked")).longValue()).as(what).isZero();
            assertThat(((Number) row.get("issued")).longValue()).as(what).isEqualTo(model.issued);
            assertThat(((Number) row.get("earned")).longValue()).as(what).isEqualTo(model.earned);
            assertThat(((Number) row.get("refunded")).longValue()).as(what).isEqualTo(model.refunded);
            assertThat(((Number) row.get("expired")).longValue()).as(what).isEqualTo(model.expired);
            if (round % 10 == 9) {
                LedgerCheck check = invariants.check();
                assertThat(check.ok()).as(where + ": " + check.problems()).isTrue();
            }
        }
    }
}
