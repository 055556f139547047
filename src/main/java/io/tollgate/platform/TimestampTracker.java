package io.tollgate.platform;

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

/**
 * A "last seen" column without a write per request: requests note the time in memory; a scheduled
 * flush (subclasses call {@link #flush} from their @Scheduled method) writes every touched row in
 * one statement per batch, and once more at shutdown. At most maxPending rows wait between flushes;
 * beyond that a touch is dropped, which costs only a slightly older time. A failed write is logged:
 * these times are informative, not money.
 */
public abstract class TimestampTracker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(TimestampTracker.class);
    private static final int FLUSH_BATCH = 5_000;
    /** Touches closer together than this are one: the times are informative, a few ms older changes nothing. */
    private static final long RESOLUTION_MILLIS = 10;
    private final JdbcClient jdbc;
    private final String update;
    private final int maxPending;
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private volatile boolean running;

    /** @param table and column are constants of the subclass, never input */
    protected TimestampTracker(JdbcClient jdbc, String table, String column, int maxPending) {
        this.jdbc = jdbc;
        this.maxPending = maxPending;
        this.update = "UPDATE " + table + " r SET " + column + " = v.t FROM unnest(?::text[], ?::timestamptz[]) AS v(id, t) "
                + "WHERE r.id = v.id AND (r." + column + " IS NULL OR r." + column + " < v.t)";
    }

    public void touch(String id, long nowMillis) {
        // A lock-free read first: under load nearly every call finds its id noted within the last few
        // milliseconds and writes nothing. A put per call locks the map's bin for that id (synchronized), so
        // every request of one key queued on one monitor, and with virtual threads each hand-off went to the
        // releasing carrier's local queue ahead of new connections' requests (issue 11 point 14, PERFORMANCE.md).
        Long noted = pending.get(id);
        if (noted != null && nowMillis - noted >= 0 && nowMillis - noted < RESOLUTION_MILLIS) return;
        if (noted != null || pending.size() < maxPending) pending.merge(id, nowMillis, Math::max);
    }

    /** The newest time not yet written, so reads are current between flushes. */
    public Instant pendingFor(String id) {
        Long millis = pending.get(id);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    public void flush() {
        List<String> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (Map.Entry<String, Long> entry : pending.entrySet()) {
            // Remove only the value read: a newer touch during the flush stays for the next one.
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
            jdbc.sql(update).params(ids.toArray(String[]::new), times.toArray(String[]::new)).update();
        } catch (RuntimeException e) {
            log.warn("Could not record {} times with {}: {}", ids.size(), getClass().getSimpleName(), e.getMessage());
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
