package io.tollgate.ledger;

import io.tollgate.platform.SqlPipeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Expiring grants (lots), and THE rule for which credits a movement takes. Every movement goes
 * through {@link #draw}; the callers hold the wallet's lock.
 *
 * <ul>
 *   <li>A wallet's balance is its free credits: credits without expiry plus the {@code remaining} of
 *       its lots. So a lot never claims more than the balance (the ledger check verifies it).</li>
 *   <li><b>Spend and hold</b> draw alike: unexpired lots, soonest-expiring first, then credits without
 *       expiry. A hold's share of each lot leaves the lot's {@code remaining} and is recorded with the
 *       hold ({@code ledger_hold_lots}); the rest of the hold is credits without expiry.</li>
 *   <li><b>Spendable</b> = balance − what is left of expired lots not yet swept. Held credits are
 *       not in the balance, so a hold never makes an expired lot look spendable or the reverse.</li>
 *   <li><b>Capture</b> spends the hold's own credits, its lots soonest-expiring first (even a lot that
 *       expired meanwhile: those credits were reserved before it expired), then its credits without
 *       expiry; whatever is not captured is released.</li>
 *   <li><b>Release</b> (and a hold's timeout) gives each lot back what the hold took from it; if that
 *       lot has expired meanwhile, those credits are not spendable and the next sweep expires them.</li>
 *   <li><b>Expiry</b> takes an expired lot's whole {@code remaining}: it is all free credit, never
 *       held credit.</li>
 *   <li><b>Refund</b> takes back free credits only: credits without expiry first (that is what a
 *       payment bought), then lots soonest-expiring first (expired ones included: they leave anyway).</li>
 *   <li><b>Merge</b> moves the credits, the lots, the pending holds and their draws together; nothing is
 *       drawn afresh.</li>
 * </ul>
 */
final class Lots {
    private Lots() {}

    /** Credits of one lot that a draw may take: its {@code remaining}, or a hold's share of it. */
    record Lot(String id, Instant expiresAt, long credits) {
        boolean expired(Instant now) {
            return !expiresAt.isAfter(now);
        }
    }

    /** Credits taken from one lot. */
    record Draw(String lotId, long credits) {}

    /** Soonest-expiring first; the id breaks ties so every caller sees one order. */
    static final Comparator<Lot> FEFO = Comparator.comparing(Lot::expiresAt).thenComparing(Lot::id);

    /**
     * Pure: what taking {@code amount} credits takes from these lots (in {@link #FEFO} order), soonest-expiring
     * first, skipping expired lots unless {@code includeExpired}. The part of {@code amount} the draws do not
     * cover comes from credits without expiry.
     */
    static List<Draw> draw(List<Lot> lots, long amount, Instant now, boolean includeExpired) {
        List<Draw> draws = new ArrayList<>();
        long left = amount;
        for (Lot lot : lots) {
            if (left <= 0) break;
            if (lot.credits() <= 0 || (!includeExpired && lot.expired(now))) continue;
            long take = Math.min(left, lot.credits());
            draws.add(new Draw(lot.id(), take));
            left -= take;
        }
        return draws;
    }

    /** Pure: the lots after these draws (lots drawn to zero stay, with zero credits). */
    static List<Lot> after(List<Lot> lots, Collection<Draw> draws) {
        if (draws.isEmpty()) return lots;
        Map<String, Long> taken = sum(draws);
        List<Lot> out = new ArrayList<>(lots.size());
        for (Lot lot : lots) out.add(new Lot(lot.id(), lot.expiresAt(), lot.credits() - taken.getOrDefault(lot.id(), 0L)));
        return out;
    }

    static long total(Collection<Lot> lots) {
        return lots.stream().mapToLong(Lot::credits).sum();
    }

    static long expired(Collection<Lot> lots, Instant now) {
        return lots.stream().filter(l -> l.expired(now)).mapToLong(Lot::credits).sum();
    }

    /** The lot deltas of taking these draws (negative), for {@link #adjust}. */
    static Map<String, Long> taking(Collection<Draw> draws) {
        Map<String, Long> byLot = new TreeMap<>();
        for (Draw d : draws) byLot.merge(d.lotId(), -d.credits(), Long::sum);
        return byLot;
    }

    static Map<String, Long> sum(Collection<Draw> draws) {
        Map<String, Long> byLot = new HashMap<>();
        for (Draw d : draws) byLot.merge(d.lotId(), d.credits(), Long::sum);
        return byLot;
    }

    /** The wallets' lots with credits left, each list in FEFO order. */
    static Map<String, List<Lot>> live(JdbcClient jdbc, String[] walletIds) {
        Map<String, List<Lot>> byWallet = new HashMap<>();
        if (walletIds.length == 0) return byWallet;
        jdbc.sql("SELECT account_id, id, expires_at, remaining FROM ledger_lots WHERE account_id = ANY(?) AND remaining > 0")
                .param(walletIds)
                .query(rs -> {
                    byWallet.computeIfAbsent(rs.getString(1), w -> new ArrayList<>())
                            .add(new Lot(rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getLong(4)));
                });
        byWallet.values().forEach(l -> l.sort(FEFO));
        return byWallet;
    }

    static List<Lot> live(JdbcClient jdbc, String walletId) {
        return live(jdbc, new String[] {walletId}).getOrDefault(walletId, List.of());
    }

    /** What a pending hold took from lots, as lots holding just that share, in FEFO order. */
    static List<Lot> heldBy(JdbcClient jdbc, String holdId) {
        List<Lot> lots = new ArrayList<>(jdbc.sql("""
                SELECT l.id, l.expires_at, d.amount FROM ledger_hold_lots d JOIN ledger_lots l ON l.id = d.lot_id WHERE d.hold_id = ?""")
                .param(holdId).query((rs, i) -> new Lot(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getLong(3))).list());
        lots.sort(FEFO);
        return lots;
    }

    /** Adds each delta (negative: taken, positive: given back) to its lot's remaining, in one statement. */
    static void adjust(SqlPipeline pipeline, Map<String, Long> deltaByLot) {
        if (deltaByLot.isEmpty()) return;
        pipeline.add("""
                UPDATE ledger_lots l SET remaining = l.remaining + t.d FROM unnest(?::text[], ?::bigint[]) AS t(id, d) WHERE l.id = t.id""",
                deltaByLot.keySet().toArray(String[]::new), deltaByLot.values().stream().mapToLong(Long::longValue).toArray());
    }

    /** Records what holds took from lots (after the holds' own rows, which these reference). */
    static void recordHeld(SqlPipeline pipeline, List<String> holdIds, List<Draw> draws) {
        if (draws.isEmpty()) return;
        pipeline.add("""
                INSERT INTO ledger_hold_lots (hold_id, lot_id, amount) SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])""",
                holdIds.toArray(String[]::new), draws.stream().map(Draw::lotId).toArray(String[]::new),
                draws.stream().mapToLong(Draw::credits).toArray());
    }
}
