package io.tollgate.ledger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.tollgate.platform.SqlPipeline;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Wallets locked (SELECT … FOR UPDATE, in id order, so concurrent batches on any node cannot
 * deadlock) for the rest of the caller's transaction. The caller decides against {@link #spendable},
 * {@link #stage}s postings, and {@link #finish}es; the writes are set-based, a handful of statements
 * however many postings there are. Locks: wallets first, system accounts last and briefly.
 * Which lots a spend or a hold draws on, and so what is spendable, is the one rule of {@link Lots}.
 */
public final class LedgerSession {
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final Instant now;
    private final Map<String, long[]> wallets = new HashMap<>(); // id → {balance, spendable}
    private final Map<String, LedgerEvents.WalletRef> owners = new HashMap<>();
    /** Live lots of the locked wallets that have any, as this session's postings leave them (FEFO order). */
    private final Map<String, List<Lots.Lot>> lots = new HashMap<>();
    private final List<Posting> staged = new ArrayList<>();
    /** What the staged postings take from lots, and which of it holds reserve (rule: see {@link Lots}). */
    private final Map<String, Long> lotDeltas = new TreeMap<>();
    private final List<String> heldHoldIds = new ArrayList<>();
    private final List<Lots.Draw> heldDraws = new ArrayList<>();
    private final Map<String, Long> systemDeltas = new TreeMap<>();

    LedgerSession(JdbcClient jdbc, ApplicationEventPublisher events, Instant now) {
        this.jdbc = jdbc;
        this.events = events;
        this.now = now;
    }

    void lock(String[] walletIds) {
        if (walletIds.length == 0) return;
        List<String> withLots = new ArrayList<>();
        // NO KEY UPDATE: strong enough to serialize debits, yet it lets other transactions' foreign-key
        // checks on these rows through.
        jdbc.sql("""
                SELECT id, balance, has_expiring, owner_type, owner_id, app_id FROM ledger_accounts
                WHERE id = ANY(?) AND kind = 'wallet' ORDER BY id COLLATE "C" FOR NO KEY UPDATE""")
                .param(walletIds)
                .query(rs -> {
                    long balance = rs.getLong(2);
                    wallets.put(rs.getString(1), new long[] {balance, balance});
                    owners.put(rs.getString(1), new LedgerEvents.WalletRef(rs.getString(1),
                            WalletOwner.valueOf(rs.getString(4).toUpperCase()), rs.getString(5), rs.getString(6)));
                    if (rs.getBoolean(3)) withLots.add(rs.getString(1));
                });
        if (withLots.isEmpty()) return;
        // One query per batch for all its wallets with expiring grants (the one the aggregate of expired
        // lots used to cost): the lots themselves, so every posting draws on them by the one rule in Java.
        lots.putAll(Lots.live(jdbc, withLots.toArray(String[]::new)));
        lots.forEach((wallet, live) -> {
            // Credits of an expired lot not yet swept are still in the balance but no longer spendable.
            long[] state = wallets.get(wallet);
            state[1] = state[0] - Lots.expired(live, now);
        });
    }

    public boolean locked(String walletId) {
        return wallets.containsKey(walletId);
    }

    /** What may be spent or held right now; 0 for a wallet this session did not lock. */
    public long spendable(String walletId) {
        long[] state = wallets.get(walletId);
        return state == null ? 0 : state[1];
    }

    /**
     * Takes a posting into account at once (later decisions see the reduced balance) and queues it
     * for {@link #write}. Throws IllegalStateException when it exceeds what the wallet can spend:
     * the caller decided wrongly, and the database CHECK would refuse it anyway.
     */
    public void stage(Posting p) {
        long[] state = wallets.get(p.walletId());
        if (state == null) throw new IllegalStateException("wallet " + p.walletId() + " is not locked");
        if (p.amount() <= 0 || p.amount() > state[1]) {
            throw new IllegalStateException("posting of " + p.amount() + " exceeds spendable " + state[1] + " of " + p.walletId());
        }
        state[0] -= p.amount();
        state[1] -= p.amount();
        List<Lots.Lot> live = lots.get(p.walletId());
        if (live != null) {
            // A spend and a hold draw alike: unexpired lots soonest-expiring first, then credits without expiry.
            List<Lots.Draw> draws = Lots.draw(live, p.amount(), now, false);
            lots.put(p.walletId(), Lots.after(live, draws));
            for (Lots.Draw d : draws) {
                lotDeltas.merge(d.lotId(), -d.credits(), Long::sum);
                if (p.kind() == Posting.Kind.HOLD) {
                    heldHoldIds.add(p.holdId());
                    heldDraws.add(d);
                }
            }
        }
        staged.add(p);
    }

    /** Writes the staged postings now: wallet balances, lots, transfers and holds, set-based. */
    public void write() {
        SqlPipeline pipeline = new SqlPipeline();
        write(pipeline);
        pipeline.run(jdbc);
    }

    /**
     * Adds the writes of the staged postings to the caller's pipeline, to go with its own in one round trip.
     * Spends with the same wallet and reference become one transfer: a metering batch posts all of a
     * wallet's calls as one movement (its usage events carry the reference), so a transfer row and its
     * two foreign-key checks are paid per batch, not per call.
     */
    public void write(SqlPipeline pipeline) {
        if (staged.isEmpty()) return;
        Map<String, Long> deltas = new TreeMap<>();
        Map<List<String>, Integer> spendRows = new HashMap<>();
        int n = staged.size();
        String[] debit = new String[n];
        String[] credit = new String[n];
        long[] amount = new long[n];
        String[] kind = new String[n];
        String[] holdIds = new String[n];
        String[] reference = new String[n];
        List<Posting> holds = new ArrayList<>();
        int rows = 0;
        for (Posting p : staged) {
            deltas.merge(p.walletId(), -p.amount(), Long::sum);
            if (p.kind() == Posting.Kind.SPEND) {
                systemDeltas.merge(Accounts.REVENUE, p.amount(), Long::sum);
                Integer row = p.reference() == null ? null : spendRows.get(List.of(p.walletId(), p.reference()));
                if (row != null) {
                    amount[row] += p.amount();
                    continue;
                }
                if (p.reference() != null) spendRows.put(List.of(p.walletId(), p.reference()), rows);
                credit[rows] = Accounts.REVENUE;
                kind[rows] = "spend";
            } else {
                credit[rows] = Accounts.HOLDS;
                kind[rows] = "hold";
                holdIds[rows] = p.holdId();
                systemDeltas.merge(Accounts.HOLDS, p.amount(), Long::sum);
                holds.add(p);
            }
            debit[rows] = p.walletId();
            amount[rows] = p.amount();
            reference[rows] = p.reference();
            rows++;
        }
        if (rows < n) {
            debit = Arrays.copyOf(debit, rows);
            credit = Arrays.copyOf(credit, rows);
            amount = Arrays.copyOf(amount, rows);
            kind = Arrays.copyOf(kind, rows);
            holdIds = Arrays.copyOf(holdIds, rows);
            reference = Arrays.copyOf(reference, rows);
        }
        staged.clear();
        lowered(deltas);
        Accounts.adjustLocked(pipeline, deltas);
        Lots.adjust(pipeline, lotDeltas);
        lotDeltas.clear();
        pipeline.add("""
                INSERT INTO ledger_transfers (debit_account, credit_account, amount, kind, hold_id, reference)
                SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[])""",
                debit, credit, amount, kind, holdIds, reference);
        if (!holds.isEmpty()) {
            pipeline.add("""
                    INSERT INTO ledger_holds (id, account_id, amount, status, expires_at, reference)
                    SELECT h, a, m, 'pending', e, r FROM unnest(?::text[], ?::text[], ?::bigint[], ?::timestamptz[], ?::text[]) AS t(h, a, m, e, r)""",
                    holds.stream().map(Posting::holdId).toArray(String[]::new),
                    holds.stream().map(Posting::walletId).toArray(String[]::new),
                    holds.stream().mapToLong(Posting::amount).toArray(),
                    holds.stream().map(h -> Timestamp.from(h.holdExpiresAt())).toArray(Timestamp[]::new),
                    holds.stream().map(Posting::reference).toArray(String[]::new));
        }
        Lots.recordHeld(pipeline, heldHoldIds, heldDraws);
        heldHoldIds.clear();
        heldDraws.clear();
    }

    /**
     * Applies the system accounts' side of everything written. Call it last in the transaction:
     * every batch on every node touches these few rows, so their locks should be held only for the
     * commit that follows.
     */
    public void finish() {
        SqlPipeline pipeline = new SqlPipeline();
        finish(pipeline);
        pipeline.run(jdbc);
    }

    /** As {@link #finish()}, adding the writes to the caller's pipeline, which the caller runs last. */
    public void finish(SqlPipeline pipeline) {
        write(pipeline);
        Accounts.adjust(pipeline, systemDeltas);
        systemDeltas.clear();
    }

    /** Tells listeners (credits.low) each wallet's balance before and after these postings; no query. */
    private void lowered(Map<String, Long> deltas) {
        List<LedgerEvents.Change> changes = new ArrayList<>(deltas.size());
        deltas.forEach((wallet, delta) -> {
            long after = wallets.get(wallet)[0];
            changes.add(new LedgerEvents.Change(owners.get(wallet), after - delta, after));
        });
        events.publishEvent(new LedgerEvents.Lowered(changes));
    }

    /** Balances after this session's postings, for answers such as credits_remaining. */
    public long balance(String walletId) {
        long[] state = wallets.get(walletId);
        return state == null ? 0 : state[0];
    }
}
