package io.tollgate.ledger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.identity.EndUserMerged;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.SqlPipeline;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The ledger module's public face: wallets, grants, holds, history and the invariant check. */
@Service
public class Ledger {
    private static final int WALLET_CACHE_MAX = 500_000;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final TransactionTemplate outsideCallerTransaction;
    private final ApplicationEventPublisher events;
    /** owner → wallet id; wallets are never deleted, so an entry never goes stale. */
    private final Cache<String, String> walletIds = Caffeine.newBuilder().maximumSize(WALLET_CACHE_MAX).build();

    Ledger(JdbcClient jdbc, Clock clock, TransactionTemplate transactions, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
        this.transactions = transactions;
        this.outsideCallerTransaction = new TransactionTemplate(transactions.getTransactionManager());
        this.outsideCallerTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * The owner's wallet id, creating the wallet on first use. Called on every metered call, so a
     * cache hit costs a map lookup only; a miss creates the wallet in a transaction of its own (never
     * the caller's: a rolled-back caller must not leave a cached id of a wallet that does not exist).
     */
    public String walletFor(WalletOwner owner, String ownerId, String appId) {
        String cacheKey = owner.name() + ":" + ownerId;
        String cached = walletIds.getIfPresent(cacheKey);
        if (cached != null) return cached;
        String id = outsideCallerTransaction.execute(status -> createWallet(owner, ownerId, appId));
        walletIds.put(cacheKey, id);
        return id;
    }

    /** Creates the owner's wallet unless it exists, on the current transaction; its id. */
    private String createWallet(WalletOwner owner, String ownerId, String appId) {
        String type = owner.name().toLowerCase();
        jdbc.sql("""
                INSERT INTO ledger_accounts (id, kind, owner_type, owner_id, app_id) VALUES (?, 'wallet', ?, ?, ?)
                ON CONFLICT (owner_type, owner_id) DO NOTHING""").params(Ids.next("wal"), type, ownerId, appId).update();
        return jdbc.sql("SELECT id FROM ledger_accounts WHERE owner_type = ? AND owner_id = ?").params(type, ownerId)
                .query(String.class).single();
    }

    /**
     * As {@link #walletFor}, but on the caller's transaction and connection: for callers that already
     * hold one (a sign-up), where opening a second would let a burst of them exhaust the pool. The id is
     * cached only once the caller commits.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String walletForInTransaction(WalletOwner owner, String ownerId, String appId) {
        String cacheKey = owner.name() + ":" + ownerId;
        String cached = walletIds.getIfPresent(cacheKey);
        if (cached != null) return cached;
        String id = createWallet(owner, ownerId, appId);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                walletIds.put(cacheKey, id);
            }
        });
        return id;
    }

    /** Locks these wallets for the caller's transaction; see {@link LedgerSession}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public LedgerSession lock(Collection<String> walletIds) {
        LedgerSession session = new LedgerSession(jdbc, events, clock.instant());
        session.lock(walletIds.stream().distinct().sorted().toArray(String[]::new));
        return session;
    }

    public Optional<Wallet> wallet(String walletId) {
        if (!Ids.looksLike("wal", walletId)) return Optional.empty();
        return jdbc.sql("""
                SELECT a.*, coalesce((SELECT sum(amount - captured) FROM ledger_holds h WHERE h.account_id = a.id AND h.status = 'pending'), 0) AS held
                FROM ledger_accounts a WHERE a.id = ? AND a.kind = 'wallet'""").param(walletId).query(this::mapWallet).optional();
    }

    /** The owner's wallet if it exists; unlike {@link #walletFor} it never creates one (for read-only screens). */
    public Optional<Wallet> findWallet(WalletOwner owner, String ownerId) {
        return jdbc.sql("""
                SELECT a.*, coalesce((SELECT sum(amount - captured) FROM ledger_holds h WHERE h.account_id = a.id AND h.status = 'pending'), 0) AS held
                FROM ledger_accounts a WHERE a.owner_type = ? AND a.owner_id = ? AND a.kind = 'wallet'""")
                .params(owner.name().toLowerCase(), ownerId).query(this::mapWallet).optional();
    }

    /** Balances of these owners' wallets; owners without a wallet are absent from the map. */
    public Map<String, Long> balances(WalletOwner owner, Collection<String> ownerIds) {
        Map<String, Long> balances = new java.util.HashMap<>();
        if (ownerIds.isEmpty()) return balances;
        jdbc.sql("SELECT owner_id, balance FROM ledger_accounts WHERE owner_type = ? AND owner_id = ANY(?) AND kind = 'wallet'")
                .params(owner.name().toLowerCase(), ownerIds.toArray(String[]::new))
                .query(rs -> { balances.put(rs.getString(1), rs.getLong(2)); });
        return balances;
    }

    public Wallet requireWallet(String walletId) {
        return wallet(walletId).orElseThrow(() -> ApiException.notFound("wallet", walletId));
    }

    public long balance(String walletId) {
        return jdbc.sql("SELECT balance FROM ledger_accounts WHERE id = ?").param(walletId).query(Long.class).optional().orElse(0L);
    }

    public record Grant(long transferId, String walletId, long amount, long balance, Instant expiresAt, String lotId) {}

    /** Credits from issuance into a wallet, optionally expiring. Joins the caller's transaction. */
    @Transactional
    public Grant grant(String walletId, long amount, String reason, Instant expiresAt, String reference) {
        Grant grant = issue(walletId, amount, reason, expiresAt, reference);
        events.publishEvent(new LedgerEvents.Granted(ref(walletId), amount, grant.balance(), reason, reference, expiresAt, false));
        return grant;
    }

    private Grant issue(String walletId, long amount, String reason, Instant expiresAt, String reference) {
        if (amount <= 0) throw ApiException.invalidField("amount", "must be a positive whole number of credits");
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) throw ApiException.invalidField("expires_at", "must be in the future");
        lockOne(walletId);
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
        return new Grant(transferId, walletId, amount, balance(walletId), expiresAt, lotId);
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
        long balance = balance(walletId);
        events.publishEvent(new LedgerEvents.Granted(ref(walletId), amount, balance, "purchase", reference, null, true));
        return new Grant(grant.transferId(), walletId, amount, balance, null, null);
    }

    public record Refund(long takenBack, long debt) {}

    /**
     * Takes back refunded credits: what is still in the wallet leaves it; what was already spent is
     * recorded as a debt, repaid from the next purchase. Joins the caller's transaction.
     */
    @Transactional
    public Refund refund(String walletId, long credits, String reference) {
        if (credits <= 0) return new Refund(0, 0);
        long balance = lockOne(walletId);
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
            events.publishEvent(new LedgerEvents.Lowered(List.of(new LedgerEvents.Change(ref(walletId), balance, balance - taken))));
        }
        return new Refund(taken, debt);
    }

    /** Credits owed by this wallet after refunds of credits it had already spent. */
    public long debt(String walletId) {
        return jdbc.sql("SELECT coalesce(sum(amount - repaid), 0) FROM ledger_debts WHERE account_id = ?").param(walletId)
                .query(Long.class).single();
    }

    public record HoldResult(String holdId, String status, long captured, long released, long balance) {}

    /** Takes up to the held amount as spent, returns the rest. Joins the caller's transaction. */
    @Transactional
    public HoldResult capture(String holdId, long amount) {
        return finish(holdId, amount, "captured");
    }

    @Transactional
    public HoldResult release(String holdId) {
        return finish(holdId, 0, "released");
    }

    /**
     * Releases the hold if it is still pending (a job that failed after its hold timed out has nothing to
     * give back); false otherwise. Decided under the wallet's lock, and without throwing: an exception
     * through this proxy would mark the caller's whole transaction for rollback.
     */
    @Transactional
    public boolean releaseIfPending(String holdId) {
        Optional<Hold> hold = hold(holdId);
        if (hold.isEmpty()) return false;
        lockOne(hold.get().walletId());
        String status = jdbc.sql("SELECT status FROM ledger_holds WHERE id = ? FOR UPDATE").param(holdId).query(String.class).single();
        if (!"pending".equals(status)) return false;
        finish(holdId, 0, "released");
        return true;
    }

    /** A hold as it stands: its wallet (after any merge), amount and status (pending, captured, released, expired). */
    public record Hold(String id, String walletId, long amount, String status) {
        public boolean pending() {
            return "pending".equals(status);
        }
    }

    public Optional<Hold> hold(String holdId) {
        return jdbc.sql("SELECT id, account_id, amount, status FROM ledger_holds WHERE id = ?").param(holdId)
                .query((rs, i) -> new Hold(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4))).optional();
    }

    private HoldResult finish(String holdId, long capture, String outcome) {
        String walletId = jdbc.sql("SELECT account_id FROM ledger_holds WHERE id = ?").param(holdId).query(String.class).optional()
                .orElseThrow(() -> ApiException.notFound("hold", holdId));
        lockOne(walletId);
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
        return new HoldResult(holdId, outcome, capture, released, balance(walletId));
    }

    /**
     * Ends these holds in the caller's transaction, set-based (see HoldEnds): each captured up to the amount given
     * (0: released), the rest released. The caller has locked their wallets ({@link #lock}), as a batch does;
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
        long balance = lockOne(walletId);
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
            LedgerEvents.WalletRef wallet = ref(walletId);
            events.publishEvent(new LedgerEvents.Expired(wallet, expired, balance - expired));
            events.publishEvent(new LedgerEvents.Lowered(List.of(new LedgerEvents.Change(wallet, balance, balance - expired))));
        }
        jdbc.sql("""
                UPDATE ledger_accounts SET has_expiring = EXISTS (SELECT 1 FROM ledger_lots WHERE account_id = ? AND remaining > 0)
                WHERE id = ?""").params(walletId, walletId).update();
        return expired;
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
        String into = walletForInTransaction(WalletOwner.END_USER, merged.intoUserId(), merged.appId());
        List<String> ordered = new ArrayList<>(List.of(from.get(), into));
        ordered.sort(null);
        ordered.forEach(this::lockOne);
        long amount = balance(from.get());
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


    public PageResult<Transfer> transfers(String walletId, PageQuery page) {
        requireWallet(walletId);
        long total = jdbc.sql("SELECT count(*) FROM ledger_transfers WHERE debit_account = ? OR credit_account = ?")
                .params(walletId, walletId).query(Long.class).single();
        List<Transfer> items = jdbc.sql("""
                SELECT * FROM ledger_transfers WHERE debit_account = ? OR credit_account = ?
                ORDER BY id DESC LIMIT ? OFFSET ?""").params(walletId, walletId, page.perPage(), page.offset())
                .query((rs, i) -> new Transfer(rs.getLong("id"), rs.getString("debit_account"), rs.getString("credit_account"),
                        rs.getLong("amount"), rs.getString("kind"), rs.getString("hold_id"), rs.getString("reference"),
                        rs.getString("reason"), rs.getTimestamp("created_at").toInstant()))
                .list();
        return page.result(items, total);
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
        long holdsBalance = balance(Accounts.HOLDS);
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

    /** Whose wallet it is, for the events listeners receive. */
    private LedgerEvents.WalletRef ref(String walletId) {
        return jdbc.sql("SELECT owner_type, owner_id, app_id FROM ledger_accounts WHERE id = ?").param(walletId)
                .query((rs, i) -> new LedgerEvents.WalletRef(walletId, WalletOwner.valueOf(rs.getString(1).toUpperCase()), rs.getString(2),
                        rs.getString(3))).single();
    }

    /** Wallet row lock; returns the balance. Callers lock several wallets in id order. */
    private long lockOne(String walletId) {
        return jdbc.sql("SELECT balance FROM ledger_accounts WHERE id = ? AND kind = 'wallet' FOR NO KEY UPDATE").param(walletId)
                .query(Long.class).optional().orElseThrow(() -> ApiException.notFound("wallet", walletId));
    }

    private Wallet mapWallet(ResultSet rs, int row) throws SQLException {
        return new Wallet(rs.getString("id"), WalletOwner.valueOf(rs.getString("owner_type").toUpperCase()), rs.getString("owner_id"),
                rs.getString("app_id"), rs.getLong("balance"), rs.getLong("held"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
