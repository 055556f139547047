package io.tollgate.metering;

import io.tollgate.ledger.Holds;
import io.tollgate.ledger.Wallets;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.SqlPipeline;
import io.tollgate.platform.TenantScope;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Settles held calls in the caller's transaction: each hold captured (in whole or in part) or released,
 * unused free and plan allowance given back, a usage row per call, and each call's Idempotency-Key answered
 * or freed. Locks in the order of a metering batch — idempotency keys, counters, wallets, rollups, then the
 * holds and the system accounts — so settlements and batches on any node queue rather than deadlock.
 */
@Component
class HoldSettler {
    private static final Logger log = LoggerFactory.getLogger(HoldSettler.class);
    private static final Comparator<Idempotency.ScopedKey> KEY_ORDER =
            Comparator.comparing(Idempotency.ScopedKey::scope).thenComparing(Idempotency.ScopedKey::key);
    private final JdbcClient jdbc;
    private final Wallets wallets;
    private final Holds holds;
    private final Idempotency idempotency;
    private final UsageWriter usage;
    private final UpstreamRollups upstreamRollups;
    private final UsageIds usageIds;
    private final Clock clock;

    record Held(HoldTicket ticket, Settlement settlement) {}

    /** What a settlement takes of its hold: credits captured, plan units kept, counters given back. */
    record Split(long credits, long planUnits, List<HoldTicket.CounterUse> giveBack) {}

    HoldSettler(JdbcClient jdbc, Wallets wallets, Holds holds, Idempotency idempotency, UsageWriter usage, UpstreamRollups upstreamRollups,
                UsageIds usageIds, Clock clock) {
        this.jdbc = jdbc;
        this.wallets = wallets;
        this.holds = holds;
        this.idempotency = idempotency;
        this.usage = usage;
        this.upstreamRollups = upstreamRollups;
        this.usageIds = usageIds;
        this.clock = clock;
    }

    /**
     * Pure: what a settlement owes of its ticket. A failure owes nothing and gives every counter back. A success
     * owes {@code owed} (all that was held when null, never more): plan allowance first, then credits; the
     * plan allowance it held beyond that is given back. Free-tier and daily counters count the call, whatever its size.
     */
    static Split split(HoldTicket t, Settlement s) {
        if (!s.success()) return new Split(0, 0, t.counters());
        long held = t.creditsHeld() + t.planUnits();
        long owed = s.owed() == null ? held : Math.min(s.owed(), held);
        long plan = Math.min(owed, t.planUnits());
        long credits = Math.min(owed - plan, t.creditsHeld());
        long unusedPlan = t.planUnits() - plan;
        List<HoldTicket.CounterUse> giveBack = new ArrayList<>();
        for (HoldTicket.CounterUse use : t.counters()) {
            if (unusedPlan > 0 && use.bucket().startsWith("plan:")) {
                long back = Math.min(unusedPlan, use.amount());
                giveBack.add(new HoldTicket.CounterUse(use.payerId(), use.bucket(), back));
                unusedPlan -= back;
            }
        }
        return new Split(credits, plan, giveBack);
    }

    void settle(List<Held> calls) {
        // A capture moves credits from the ledger's hold account to its revenue account: no organization's wallet
        // on either side, so row-level security would refuse it to a tenant.
        TenantScope.requireSystem("Ending a held call");
        Instant now = clock.instant();
        answerKeys(calls);
        List<Split> splits = calls.stream().map(c -> split(c.ticket(), c.settlement())).toList();
        giveBack(splits);
        Set<String> holdIds = new HashSet<>();
        for (Held c : calls) if (c.ticket().holdId() != null) holdIds.add(c.ticket().holdId());
        Map<String, String> pending = holds.pendingHolds(holdIds);
        wallets.lock(pending.values());
        // Under the wallets' locks no one else can finish these holds any more; read again what is still pending.
        pending = holds.pendingHolds(pending.keySet());
        List<UsageRow> rows = new ArrayList<>(calls.size());
        long[] capture = new long[calls.size()];
        for (int i = 0; i < calls.size(); i++) {
            HoldTicket t = calls.get(i).ticket();
            boolean holdPending = t.holdId() != null && pending.containsKey(t.holdId());
            if (t.holdId() != null && !holdPending && splits.get(i).credits() > 0) {
                // The hold expired (or was settled) before this settlement: its credits are no longer reserved for it.
                log.warn("Hold {} of request {} was no longer pending when it was settled; its credits were not charged", t.holdId(), t.requestId());
            }
            capture[i] = holdPending ? splits.get(i).credits() : 0;
            rows.add(row(t, calls.get(i).settlement(), splits.get(i), capture[i], now));
        }
        SqlPipeline writes = new SqlPipeline();
        usage.write(rows, writes);
        upstreamRollups.write(rows, writes);
        writes.run(jdbc);
        // Holds and system accounts last, set-based: a batch of settlements costs the ledger a handful of statements.
        Map<String, Long> captures = new TreeMap<>();
        for (int i = 0; i < calls.size(); i++) {
            String holdId = calls.get(i).ticket().holdId();
            if (holdId != null && pending.containsKey(holdId)) captures.put(holdId, capture[i]);
        }
        holds.finishPending(captures);
    }

    private void answerKeys(List<Held> calls) {
        Map<Idempotency.ScopedKey, Idempotency.Reply> replies = new TreeMap<>(KEY_ORDER);
        List<Idempotency.ScopedKey> freed = new ArrayList<>();
        for (Held c : calls) {
            Settlement.Answer answer = c.settlement().answer();
            if (answer == null) continue;
            if (answer.reply() != null) replies.put(answer.key(), answer.reply());
            else freed.add(answer.key());
        }
        freed.sort(KEY_ORDER);
        SqlPipeline keys = new SqlPipeline();
        idempotency.complete(replies, keys);
        idempotency.release(freed, keys);
        keys.run(jdbc);
    }

    private void giveBack(List<Split> splits) {
        Map<String, Long> amounts = new TreeMap<>();
        for (Split s : splits) {
            for (HoldTicket.CounterUse use : s.giveBack()) amounts.merge(use.payerId() + "\n" + use.bucket(), use.amount(), Long::sum);
        }
        if (amounts.isEmpty()) return;
        String[] payers = new String[amounts.size()];
        String[] buckets = new String[amounts.size()];
        long[] back = new long[amounts.size()];
        int i = 0;
        for (var e : amounts.entrySet()) {
            int cut = e.getKey().indexOf('\n');
            payers[i] = e.getKey().substring(0, cut);
            buckets[i] = e.getKey().substring(cut + 1);
            back[i++] = e.getValue();
        }
        // Locked in the batches' order first: a multi-row UPDATE alone would lock in plan order.
        jdbc.sql("""
                SELECT 1 FROM meter_counters c JOIN unnest(?::text[], ?::text[]) AS t(p, b) ON c.payer_id = t.p AND c.bucket = t.b
                ORDER BY c.payer_id COLLATE "C", c.bucket COLLATE "C" FOR NO KEY UPDATE OF c""").params(payers, buckets).query().listOfRows();
        jdbc.sql("""
                UPDATE meter_counters c SET used = greatest(0, c.used - t.n) FROM unnest(?::text[], ?::text[], ?::bigint[]) AS t(p, b, n)
                WHERE c.payer_id = t.p AND c.bucket = t.b""").params(payers, buckets, back).update();
    }

    private UsageRow row(HoldTicket t, Settlement s, Split split, long credits, Instant now) {
        long units = s.units() != null ? s.units() : s.success() ? credits + split.planUnits() : 0;
        return new UsageRow(usageIds.next(), t.appId(), t.organizationId(), t.apiKeyId(), t.endUserId(), t.feature(), t.endpoint(),
                t.method(), s.status(), s.success() ? t.source() : "released", credits, s.success() ? t.chargeMinor() : 0,
                s.success() ? t.costMinor() : 0, t.currency(), s.durationMs(), t.requestId(), t.sessionId(), units,
                credits > 0 ? t.holdId() : null, now, s.upstream());
    }
}
