package io.tollgate.metering;

import io.tollgate.ledger.LedgerSession;
import io.tollgate.ledger.Posting;
import io.tollgate.ledger.Wallets;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.Ids;
import io.tollgate.platform.SqlPipeline;
import java.security.MessageDigest;
import java.sql.Date;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Decides and writes one batch of metered calls in the caller's transaction. Locks, always in this
 * order on every node: idempotency keys → counters → wallets → (rollups) → system accounts. Each
 * call is decided in arrival order against the locked state, so a batch is exactly equivalent to
 * running its calls one by one, and two nodes can never both spend the same credit.
 */
@Component
class MeterTransaction {
    private final JdbcClient jdbc;
    private final Wallets wallets;
    private final Idempotency idempotency;
    private final UsageWriter usage;
    private final UsageIds usageIds;
    private final Clock clock;
    private final BatchMarkers markers;
    private final ApplicationEventPublisher events;

    MeterTransaction(JdbcClient jdbc, Wallets wallets, Idempotency idempotency, UsageWriter usage, UsageIds usageIds, Clock clock,
                     BatchMarkers markers, ApplicationEventPublisher events) {
        this.markers = markers;
        this.events = events;
        this.jdbc = jdbc;
        this.wallets = wallets;
        this.idempotency = idempotency;
        this.usage = usage;
        this.usageIds = usageIds;
        this.clock = clock;
    }

    /**
     * batchId names this attempt: its commit marker, and the reference of the one spend transfer per wallet
     * that pays the batch's calls (each usage event names it).
     */
    List<MeterOutcome> apply(List<MeterRequest> batch, String batchId) {
        Instant now = clock.instant();
        MeterOutcome[] outcomes = new MeterOutcome[batch.size()];

        // 1. Idempotency: claim new keys; answer replays and reused keys without deciding anything.
        Map<Idempotency.ScopedKey, Integer> firstWithKey = new LinkedHashMap<>();
        List<Idempotency.Claim> claims = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            MeterRequest r = batch.get(i);
            if (r.idempotencyKey() != null && firstWithKey.putIfAbsent(r.idempotencyKey(), i) == null) {
                claims.add(new Idempotency.Claim(r.idempotencyKey(), r.requestHash()));
            }
        }
        claims.sort((a, b) -> (a.key().scope() + "\n" + a.key().key()).compareTo(b.key().scope() + "\n" + b.key().key()));
        var claimed = idempotency.claim(claims);
        var earlier = new ArrayList<Idempotency.ScopedKey>();
        firstWithKey.keySet().stream().filter(k -> !claimed.contains(k)).forEach(earlier::add);
        Map<Idempotency.ScopedKey, Idempotency.Stored> stored = idempotency.lookup(earlier);
        boolean[] decide = new boolean[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            MeterRequest r = batch.get(i);
            Idempotency.ScopedKey key = r.idempotencyKey();
            if (key == null || (claimed.contains(key) && firstWithKey.get(key) == i)) {
                decide[i] = true;
            } else if (stored.containsKey(key)) {
                Idempotency.Stored s = stored.get(key);
                outcomes[i] = MessageDigest.isEqual(s.requestHash(), r.requestHash())
                        ? replay(new Idempotency.Reply(s.status(), s.responseJson(), true))
                        : reused();
            }
            // else: a second use of a key claimed earlier in this batch; answered after the first is decided.
        }

        // 2. Counters and 3. wallets, locked in order.
        Map<String, Buckets.Bucket> buckets = new TreeMap<>();
        List<String> walletIds = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!decide[i]) continue;
            MeterRequest r = batch.get(i);
            PriceEvaluator.buckets(r, now).forEach(b -> buckets.put(b.payerId() + "\n" + b.name(), b));
            if (r.creditsAccepted() && r.payer().walletId() != null) walletIds.add(r.payer().walletId());
        }
        Map<String, Long> counters = lockCounters(buckets);
        LedgerSession wallets = this.wallets.lock(walletIds);
        Map<String, Long> changedCounters = new HashMap<>();

        PriceEvaluator.State state = new PriceEvaluator.State() {
            @Override public long counter(Buckets.Bucket b) {
                return counters.getOrDefault(b.payerId() + "\n" + b.name(), 0L);
            }
            @Override public void addCounter(Buckets.Bucket b, long amount) {
                String k = b.payerId() + "\n" + b.name();
                long value = counters.getOrDefault(k, 0L) + amount;
                counters.put(k, value);
                changedCounters.put(k, value);
            }
            @Override public long spendable(String walletId) {
                return wallets.spendable(walletId);
            }
        };

        // 4. Decide each call in arrival order.
        List<UsageRow> rows = new ArrayList<>();
        Map<Idempotency.ScopedKey, Idempotency.Reply> replies = new HashMap<>();
        Map<String, UsageLimitReached> limitsReached = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!decide[i]) continue;
            MeterRequest r = batch.get(i);
            PriceEvaluator.Decision d = PriceEvaluator.decide(r, now, state);
            for (PriceEvaluator.Reached x : PriceEvaluator.reached(r, now, d, state)) {
                limitsReached.putIfAbsent(x.bucket().payerId() + "\n" + x.bucket().name(), new UsageLimitReached(x.limit(), r.payer().type(),
                        r.payer().id(), r.appId(), r.organizationId(), r.rule().name(), r.plan() == null ? null : r.plan().plan().id(),
                        x.limitValue(), x.bucket().name(), x.bucket().resetsAt()));
            }
            outcomes[i] = record(r, d, now, wallets, rows, batchId);
            if (r.idempotencyKey() != null) {
                Idempotency.Reply reply = r.responder().apply(outcomes[i]);
                replies.put(r.idempotencyKey(), reply);
                outcomes[i] = withReply(outcomes[i], reply);
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] != null) continue;
            MeterRequest r = batch.get(i);
            MeterRequest first = batch.get(firstWithKey.get(r.idempotencyKey()));
            Idempotency.Reply reply = replies.get(r.idempotencyKey());
            outcomes[i] = MessageDigest.isEqual(first.requestHash(), r.requestHash())
                    ? replay(new Idempotency.Reply(reply.status(), reply.json(), true)) : reused();
        }

        // Listeners (usage webhooks) write with this batch: once per payer and limit per batch, no query per call.
        limitsReached.values().forEach(events::publishEvent);

        // 5. Write. A call's own extra writes (a media job row) first; then, in one round trip and in lock
        // order: counters, the wallet side of the ledger, usage and rollups, stored replies, system accounts.
        for (int i = 0; i < batch.size(); i++) {
            if (decide[i] && outcomes[i].accepted() && batch.get(i).inTransaction() != null) batch.get(i).inTransaction().accept(outcomes[i]);
        }
        SqlPipeline writes = new SqlPipeline();
        markers.write(batchId, writes);
        writeCounters(changedCounters, writes);
        wallets.write(writes);
        usage.write(rows, writes);
        idempotency.complete(replies, writes);
        wallets.finish(writes);
        writes.run(jdbc);
        return List.of(outcomes);
    }

    /** batchId: the reference of the batch's spend transfer of this payer's wallet, which the usage event names. */
    private MeterOutcome record(MeterRequest r, PriceEvaluator.Decision d, Instant now, LedgerSession wallets, List<UsageRow> rows,
                                String batchId) {
        int durationMs = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - r.startedNanos()) / 1_000_000);
        if (!d.accepted()) {
            long id = usageIds.next();
            rows.add(new UsageRow(id, r.appId(), r.organizationId(), r.apiKeyId(), r.endUserId(), r.rule().name(), r.endpoint(), r.method(),
                    d.refusal().status(), "refused", 0, 0, 0, r.rule().currency(), durationMs, r.requestId(), r.sessionId(), 0, null, now));
            return new MeterOutcome(false, null, 0, balanceOf(r, wallets), 0, null, r.plan(), 0, null, d.refusal(), null, id, null);
        }
        long credits = d.credits();
        String holdId = null;
        if (credits > 0) {
            if (r.mode() == MeterRequest.Mode.HOLD) {
                holdId = Ids.next("hld");
                wallets.stage(Posting.hold(r.payer().walletId(), credits, r.requestId(), holdId, now.plus(r.holdTtl())));
            } else {
                wallets.stage(Posting.spend(r.payer().walletId(), credits, batchId));
            }
        }
        long remaining = balanceOf(r, wallets);
        String currency = d.chargeMinor() > 0 || r.rule().costPerRequestMinor() > 0 ? r.rule().currency() : null;
        if (r.mode() == MeterRequest.Mode.HOLD) {
            HoldTicket ticket = new HoldTicket(holdId, credits, d.counters(), d.source().name().toLowerCase(), d.planUnits(), r.payer().id(),
                    r.appId(), r.organizationId(), r.apiKeyId(), r.endUserId(), r.rule().name(), r.endpoint(), r.method(), d.chargeMinor(),
                    r.rule().costPerRequestMinor(), currency, r.sessionId(), r.requestId());
            return new MeterOutcome(true, d.source(), credits, remaining, d.planUnits(), d.freeTier(), r.plan(), d.chargeMinor(), currency,
                    null, ticket, null, null);
        }
        long id = usageIds.next();
        rows.add(new UsageRow(id, r.appId(), r.organizationId(), r.apiKeyId(), r.endUserId(), r.rule().name(), r.endpoint(), r.method(),
                r.successStatus(), d.source().name().toLowerCase(), credits, d.chargeMinor(), r.rule().costPerRequestMinor(), currency,
                durationMs, r.requestId(), r.sessionId(), credits + d.planUnits(), credits > 0 ? batchId : null, now));
        return new MeterOutcome(true, d.source(), credits, remaining, d.planUnits(), d.freeTier(), r.plan(), d.chargeMinor(), currency,
                null, null, id, null);
    }

    private static long balanceOf(MeterRequest r, LedgerSession wallets) {
        String wallet = r.payer().walletId();
        return wallet != null && wallets.locked(wallet) ? wallets.balance(wallet) : 0;
    }

    private Map<String, Long> lockCounters(Map<String, Buckets.Bucket> buckets) {
        Map<String, Long> values = new HashMap<>();
        if (buckets.isEmpty()) return values;
        int n = buckets.size();
        String[] payers = new String[n];
        String[] names = new String[n];
        Date[] expires = new Date[n];
        int i = 0;
        for (Buckets.Bucket b : buckets.values()) {
            payers[i] = b.payerId();
            names[i] = b.name();
            expires[i++] = Date.valueOf(b.expiresOn());
        }
        jdbc.sql("""
                INSERT INTO meter_counters (payer_id, bucket, expires_on) SELECT * FROM unnest(?::text[], ?::text[], ?::date[])
                ON CONFLICT (payer_id, bucket) DO NOTHING""").params(payers, names, expires).update();
        jdbc.sql("""
                SELECT c.payer_id, c.bucket, c.used FROM meter_counters c JOIN unnest(?::text[], ?::text[]) AS t(p, b)
                ON c.payer_id = t.p AND c.bucket = t.b ORDER BY c.payer_id COLLATE "C", c.bucket COLLATE "C" FOR NO KEY UPDATE OF c""")
                .params(payers, names)
                .query(rs -> { values.put(rs.getString(1) + "\n" + rs.getString(2), rs.getLong(3)); });
        return values;
    }

    private void writeCounters(Map<String, Long> changed, SqlPipeline writes) {
        if (changed.isEmpty()) return;
        Map<String, Long> ordered = new TreeMap<>(changed);
        String[] payers = new String[ordered.size()];
        String[] names = new String[ordered.size()];
        long[] used = new long[ordered.size()];
        int i = 0;
        for (var e : ordered.entrySet()) {
            int cut = e.getKey().indexOf('\n');
            payers[i] = e.getKey().substring(0, cut);
            names[i] = e.getKey().substring(cut + 1);
            used[i++] = e.getValue();
        }
        writes.add("""
                UPDATE meter_counters c SET used = t.u FROM unnest(?::text[], ?::text[], ?::bigint[]) AS t(p, b, u)
                WHERE c.payer_id = t.p AND c.bucket = t.b""", payers, names, used);
    }

    private static MeterOutcome replay(Idempotency.Reply reply) {
        return new MeterOutcome(false, null, 0, 0, 0, null, null, 0, null, null, null, null, reply);
    }

    private static MeterOutcome withReply(MeterOutcome o, Idempotency.Reply reply) {
        return new MeterOutcome(o.accepted(), o.source(), o.creditsUsed(), o.creditsRemaining(), o.planUnitsUsed(), o.freeTier(), o.plan(),
                o.chargeMinor(), o.currency(), o.refusal(), o.ticket(), o.usageId(), new Idempotency.Reply(reply.status(), reply.json(), false));
    }

    private static MeterOutcome reused() {
        var e = Idempotency.keyReused();
        return new MeterOutcome(false, null, 0, 0, 0, null, null, 0, null,
                new MeterOutcome.Refusal(e.status().value(), e.code(), e.getMessage(), Map.of(), Map.of(), null), null, null, null);
    }
}
