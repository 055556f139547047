package io.tollgate.keys;

import java.sql.Timestamp;
import java.time.Instant;
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
 * last_used_at without a database write per request: requests note the time in memory, and a
 * scheduled flush writes every touched key in one statement (and once more at shutdown).
 */
@Component
class LastUsedTracker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(LastUsedTracker.class);
    private static final int FLUSH_BATCH = 5_000;
    private final JdbcClient jdbc;
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private volatile boolean running;

    LastUsedTracker(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void touch(String keyId, long nowMillis) {
        pending.put(keyId, nowMillis);
    }

    /** The newest use not yet written, so lists are current even between flushes. */
    Instant pendingFor(String keyId) {
        Long millis = pending.get(keyId);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    @Scheduled(fixedDelayString = "${tollgate.keys.last-used-flush-millis}")
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
                    UPDATE api_keys k SET last_used_at = v.t
                    FROM unnest(?::text[], ?::timestamptz[]) AS v(id, t)
                    WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.t)""")
                    .params(ids.toArray(String[]::new), times.toArray(String[]::new)).update();
        } catch (RuntimeException e) {
            log.warn("Could not record last use of {} keys: {}", ids.size(), e.getMessage());
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
