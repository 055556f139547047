package io.tollgate.ledger;

import io.tollgate.platform.SqlPipeline;
import io.tollgate.platform.TenantScope;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Ends pending holds — each captured up to its amount, the rest released — with set-based writes: a handful of
 * statements for one hold or a batch of hundreds, so a metering batch that settles many calls pays per batch,
 * not per call. The one implementation of a hold's end (Holds' capture, release and expiry use it too). The
 * caller holds the holds' wallets locked (in id order, as every batch locks them); the hold rows are locked here.
 * The lots a hold drew on follow {@link Lots}: the capture spends them soonest-expiring first (expired ones too:
 * they were reserved before they expired), and what is not captured goes back to its lot.
 */
final class HoldEnds {
    /** outcome: captured, released or expired. */
    record End(String holdId, long capture, String outcome) {}

    record Ended(String holdId, String walletId, long amount, long captured, long released) {}

    private HoldEnds() {}

    /** Ends the holds among these that are pending; the others (ended meanwhile) are left out of the answer. */
    static Map<String, Ended> end(JdbcClient jdbc, List<End> ends, Instant now) {
        // A capture is a transfer from the hold account to the revenue account, both the platform's own: system work
        // (row-level security lets a tenant post only transfers with one of its wallets on a side).
        TenantScope.requireSystem("Ending a hold");
        Map<String, Ended> ended = new HashMap<>();
        if (ends.isEmpty()) return ended;
        Map<String, End> byHold = new HashMap<>();
        for (End e : ends) byHold.put(e.holdId(), e);
        String[] ids = byHold.keySet().stream().sorted().toArray(String[]::new);
        jdbc.sql("SELECT id, account_id, amount FROM ledger_holds WHERE id = ANY(?) AND status = 'pending' ORDER BY id COLLATE \"C\" FOR UPDATE")
                .param(ids)
                .query(rs -> {
                    End e = byHold.get(rs.getString(1));
                    long amount = rs.getLong(3);
                    if (e.capture() < 0 || e.capture() > amount) {
                        throw new IllegalArgumentException("capture " + e.capture() + " of hold " + e.holdId() + " is not within its " + amount);
                    }
                    ended.put(e.holdId(), new Ended(e.holdId(), rs.getString(2), amount, e.capture(), amount - e.capture()));
                });
        if (ended.isEmpty()) return ended;
        String[] endedIds = ended.keySet().stream().sorted().toArray(String[]::new);

        // What goes back to each lot: a hold's draws minus what its capture spends, soonest-expiring first.
        Map<String, List<Lots.Lot>> heldLots = new HashMap<>();
        jdbc.sql("""
                SELECT d.hold_id, l.id, l.expires_at, d.amount FROM ledger_hold_lots d JOIN ledger_lots l ON l.id = d.lot_id
                WHERE d.hold_id = ANY(?)""").param(endedIds)
                .query(rs -> {
                    heldLots.computeIfAbsent(rs.getString(1), h -> new ArrayList<>())
                            .add(new Lots.Lot(rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getLong(4)));
                });
        Map<String, Long> backToLots = new TreeMap<>();
        TreeSet<String> walletsWithLotsBack = new TreeSet<>();
        heldLots.forEach((holdId, lots) -> {
            lots.sort(Lots.FEFO);
            for (Lots.Lot lot : Lots.after(lots, Lots.draw(lots, ended.get(holdId).captured(), now, true))) {
                if (lot.credits() <= 0) continue;
                backToLots.merge(lot.id(), lot.credits(), Long::sum);
                walletsWithLotsBack.add(ended.get(holdId).walletId());
            }
        });

        List<String> debit = new ArrayList<>(), credit = new ArrayList<>(), kind = new ArrayList<>(), holds = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        Map<String, Long> walletDeltas = new TreeMap<>();
        Map<String, Long> system = new TreeMap<>();
        String[] statuses = new String[endedIds.length];
        long[] captured = new long[endedIds.length];
        for (int i = 0; i < endedIds.length; i++) {
            Ended e = ended.get(endedIds[i]);
            statuses[i] = byHold.get(e.holdId()).outcome();
            captured[i] = e.captured();
            if (e.captured() > 0) {
                debit.add(Accounts.HOLDS); credit.add(Accounts.REVENUE); kind.add("capture"); holds.add(e.holdId()); amounts.add(e.captured());
                system.merge(Accounts.REVENUE, e.captured(), Long::sum);
            }
            if (e.released() > 0) {
                debit.add(Accounts.HOLDS); credit.add(e.walletId()); kind.add("release"); holds.add(e.holdId()); amounts.add(e.released());
                walletDeltas.merge(e.walletId(), e.released(), Long::sum);
            }
            system.merge(Accounts.HOLDS, -e.amount(), Long::sum);
        }

        SqlPipeline writes = new SqlPipeline();
        if (!heldLots.isEmpty()) {
            writes.add("DELETE FROM ledger_hold_lots WHERE hold_id = ANY(?)", (Object) endedIds);
            Lots.adjust(writes, backToLots);
            if (!walletsWithLotsBack.isEmpty()) {
                writes.add("UPDATE ledger_accounts SET has_expiring = true WHERE id = ANY(?)", (Object) walletsWithLotsBack.toArray(String[]::new));
            }
        }
        if (!amounts.isEmpty()) {
            writes.add("""
                    INSERT INTO ledger_transfers (debit_account, credit_account, amount, kind, hold_id)
                    SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[])""",
                    debit.toArray(String[]::new), credit.toArray(String[]::new), amounts.stream().mapToLong(Long::longValue).toArray(),
                    kind.toArray(String[]::new), holds.toArray(String[]::new));
        }
        Accounts.adjustLocked(writes, walletDeltas);
        writes.add("""
                UPDATE ledger_holds h SET status = t.s, captured = t.c, finalized_at = ? FROM unnest(?::text[], ?::text[], ?::bigint[]) AS t(id, s, c)
                WHERE h.id = t.id""", Timestamp.from(now), endedIds, statuses, captured);
        // Last, and one row per statement in id order: every batch on every node touches these few rows.
        Accounts.adjust(writes, system);
        writes.run(jdbc);
        return ended;
    }
}
