package io.tollgate.identity.internal;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * end_users.last_seen_at without a write per request: requests note the time in memory and a
 * scheduled flush writes every touched user in one statement per batch (and once more at shutdown).
 * At most {@link #MAX_PENDING} users wait between flushes; beyond that a touch is dropped, which
 * costs only a slightly older last_seen_at.
 */
@Component
class LastSeenTracker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(LastSeenTracker.class);
    static final int MAX_PENDING = 200_000;
    static final int FLUSH_BATCH = 5_000;
    private final JdbcClient jdbc;
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private volatile boolean running;

    LastSeenTracker(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void touch(String userId) {
        if (pending.size() < MAX_PENDING || pending.containsKey(userId)) pending.put(userId, System.currentTimeMillis());
    }

    @Scheduled(fixedDelayString = "${tollgate.identity.last-seen-flush-millis}")
    void flush() {
        List<String> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (Map.Entry<String, Long> entry : pending.entrySet()) {
            // Remove only the value we read: a newer touch during the flush stays for the next one.
            if (pending.remove(entry.getKey(), entry.getValue())) {
                ids.add(entry.getKey());
                times.add(new Timestamp(entry.getValue()).toInstant().toString());
            }
            if (ids.size() == FLUSH_BATCH) write(ids, times);
        }
        if (!ids.isEmpty()) write(ids, times);
    }

    private void write(List<String> ids, List<String> times) {
        try {
            jdbc.sql("""
                    UPDATE end_users u SET last_seen_at = v.t
                    FROM unnest(?::text[], ?::timestamptz[]) AS v(id, t)
                    WHERE u.id = v.id AND (u.last_seen_at IS NULL OR u.last_seen_at < v.t)""")
                    .params(ids.toArray(String[]::new), times.toArray(String[]::new)).update();
        } catch (RuntimeException e) {
            log.warn("Could not record last sight of {} end users: {}", ids.size(), e.getMessage());
        }
        ids.clear();
        times.clear();
    }

    @Override
    public void start() {
        running = true;
    }

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
        // Stop before the DataSource goes away.
        return Integer.MAX_VALUE - 100;
    }
}
