package io.tollgate.keys;

import io.tollgate.audit.AuditTrail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Why API keys were refused, for operators. The caller only ever reads "API key is invalid" (so an
 * answer never tells whether a key exists, was revoked or belongs to another app); the precise reason
 * goes here, bounded so a flood of bad keys cannot flood the log or the audit trail:
 * <ul>
 *   <li>failures are counted per group — client address, reason and key (when the key is known) — and
 *       not one by one: a million random keys from one address are one group;</li>
 *   <li>the first failure of a group in a window is logged with its reason; the rest are counted;</li>
 *   <li>every window ({@code tollgate.keys.auth-failure-audit-millis}) the groups are written to the
 *       audit log as one row each ({@code api_key.auth_failed}, with the count, first and last time),
 *       at most {@code auth-failure-audit-max-groups} of them; failures beyond that many groups are
 *       only counted, into one {@code api_key.auth_failures_not_itemized} row.</li>
 * </ul>
 * So a window writes at most max-groups + 1 audit rows and logs at most max-groups + 1 lines, however
 * many bad keys arrive. Per node, in memory: a crash loses at most the current window's counts.
 */
@Component
class AuthFailures implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(AuthFailures.class);

    /** Why a key was refused. Never shown to the caller. */
    enum Reason {
        MISSING("no Authorization: Bearer header"),
        MALFORMED("not a Tollgate key (shape or checksum)"),
        UNKNOWN("no such key"),
        REVOKED("key revoked"),
        EXPIRED("key expired"),
        NO_APP_ID("no X-App-Id header"),
        OTHER_APP("key of another app than X-App-Id names"),
        APP_DELETED("key of a deleted app"),
        THROTTLED("client address refused for too many failed key checks");

        final String description;

        Reason(String description) {
            this.description = description;
        }
    }

    /** What one failure is counted under: known keys by id, unknown ones only by address. */
    record Group(String clientAddress, Reason reason, String keyId) {}

    /** One group's failures in the current window. */
    static final class Tally {
        final AtomicLong count = new AtomicLong();
        final Instant first;
        volatile Instant last;
        final String keyPrefix;
        final String appId;
        final String requestId;

        Tally(Instant first, String keyPrefix, String appId, String requestId) {
            this.first = first;
            this.last = first;
            this.keyPrefix = keyPrefix;
            this.appId = appId;
            this.requestId = requestId;
        }
    }

    private final AuditTrail audit;
    private final TransactionTemplate transactions;
    private final int maxGroups;
    private volatile Map<Group, Tally> window = new ConcurrentHashMap<>();
    private final AtomicLong notItemized = new AtomicLong();
    private volatile boolean running;

    AuthFailures(AuditTrail audit, TransactionTemplate transactions,
                 @Value("${tollgate.keys.auth-failure-audit-max-groups}") int maxGroups) {
        if (maxGroups < 1) throw new IllegalStateException("TOLLGATE_AUTH_FAILURE_AUDIT_MAX_GROUPS must be 1 or more");
        this.audit = audit;
        this.transactions = transactions;
        this.maxGroups = maxGroups;
    }

    /**
     * @param key       the key's facts when it is known (revoked, expired, another app's), else null
     * @param keyPrefix the visible prefix of a well-formed key (as key lists show it), else null
     */
    void record(String clientAddress, Reason reason, KeyRecord key, String keyPrefix, String requestId, Instant now) {
        Map<Group, Tally> current = window;
        Group group = new Group(clientAddress, reason, key == null ? null : key.id());
        Tally tally = current.get(group);
        if (tally == null) {
            if (current.size() >= maxGroups) {
                notItemized.incrementAndGet();
                return;
            }
            Tally fresh = new Tally(now, key == null ? keyPrefix : key.prefix(), key == null ? null : key.appId(), requestId);
            tally = current.putIfAbsent(group, fresh);
            if (tally == null) {
                tally = fresh;
                log.info("API key refused from {}: {}{} [request {}]", clientAddress, reason.description,
                        key == null ? (keyPrefix == null ? "" : " (" + keyPrefix + "…)") : " (" + key.id() + " of " + key.appId() + ")", requestId);
            }
        }
        tally.count.incrementAndGet();
        tally.last = now;
    }

    @Scheduled(fixedDelayString = "${tollgate.keys.auth-failure-audit-millis}")
    void flush() {
        Map<Group, Tally> done = window;
        window = new ConcurrentHashMap<>();
        long overflow = notItemized.getAndSet(0);
        if (done.isEmpty() && overflow == 0) return;
        List<Map.Entry<Group, Tally>> rows = new ArrayList<>(done.entrySet());
        long total = overflow + rows.stream().mapToLong(e -> e.getValue().count.get()).sum();
        try {
            transactions.executeWithoutResult(status -> {
                for (Map.Entry<Group, Tally> row : rows) write(row.getKey(), row.getValue());
                if (overflow > 0) {
                    audit.record("api_key.auth_failures_not_itemized", "api_key", "*", null,
                            Map.of("count", overflow, "reason", "more than " + maxGroups + " groups of failures in one window"));
                }
            });
        } catch (RuntimeException e) {
            log.warn("Could not write {} failed API key checks to the audit log: {}", total, e.getMessage());
            return;
        }
        if (overflow > 0) log.warn("{} failed API key checks in the last window; {} beyond the first {} groups only counted", total, overflow, maxGroups);
    }

    private void write(Group group, Tally tally) {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("reason", group.reason().name().toLowerCase());
        after.put("description", group.reason().description);
        after.put("client_address", group.clientAddress());
        after.put("count", tally.count.get());
        after.put("first_at", tally.first.toString());
        after.put("last_at", tally.last.toString());
        if (tally.keyPrefix != null) after.put("key_prefix", tally.keyPrefix);
        if (tally.appId != null) after.put("app_id", tally.appId);
        after.put("first_request_id", tally.requestId);
        // A known key is the target, so its history shows the attempts; otherwise the address is.
        if (group.keyId() != null) {
            audit.record("api_key.auth_failed", "api_key", group.keyId(), null, after);
        } else {
            audit.record("api_key.auth_failed", "client_address", group.clientAddress(), null, after);
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** The last window is written at shutdown, before the database goes away. */
    @Override
    public void stop() {
        flush();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
