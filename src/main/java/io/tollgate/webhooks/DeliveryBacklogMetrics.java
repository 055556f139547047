package io.tollgate.webhooks;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The delivery backlog as gauges, for alerting (docs/DEPLOYMENT.md): deliveries due now and not yet
 * claimed, all pending ones (due or waiting for a retry), and how late the oldest due one is. The
 * backlog lives in PostgreSQL and is the same for every node, so each node reports the cluster's value.
 *
 * <p>A scrape only reads the last values: the counts are refreshed by this node every
 * TOLLGATE_WEBHOOK_BACKLOG_REFRESH_MILLIS with bounded queries over the partial index of pending
 * deliveries (each count stops at TOLLGATE_WEBHOOK_BACKLOG_COUNT_MAX), so neither scrapes nor a huge
 * backlog can turn metrics into load on the database. While a refresh fails the gauges are NaN rather
 * than stale: an alert on them goes quiet, and the database alert says why.
 */
@Component
class DeliveryBacklogMetrics {
    private static final Logger log = LoggerFactory.getLogger(DeliveryBacklogMetrics.class);
    private final JdbcClient jdbc;
    private final Clock clock;
    private final long countMax;
    private volatile double due = Double.NaN;
    private volatile double pending = Double.NaN;
    private volatile double oldestDueSeconds = Double.NaN;

    DeliveryBacklogMetrics(JdbcClient jdbc, Clock clock, MeterRegistry registry,
                           @Value("${tollgate.webhooks.backlog-count-max}") long countMax) {
        if (countMax < 1 || countMax > 10_000_000) throw new IllegalArgumentException("TOLLGATE_WEBHOOK_BACKLOG_COUNT_MAX must be 1 to 10000000");
        this.jdbc = jdbc;
        this.clock = clock;
        this.countMax = countMax;
        Gauge.builder("tollgate.webhook.deliveries.due", this, m -> m.due)
                .description("Deliveries due now and not claimed by any node (counted up to TOLLGATE_WEBHOOK_BACKLOG_COUNT_MAX)").register(registry);
        Gauge.builder("tollgate.webhook.deliveries.pending", this, m -> m.pending)
                .description("Deliveries not yet delivered nor given up: due, claimed or waiting for a retry (counted up to the same bound)").register(registry);
        Gauge.builder("tollgate.webhook.deliveries.oldest.due", this, m -> m.oldestDueSeconds).baseUnit("seconds")
                .description("How long the oldest due delivery has been waiting to be sent (0: none due)").register(registry);
    }

    /** What the gauges show: counts up to the bound, and the oldest due delivery's wait (0 when none is due). */
    record Backlog(long due, long pending, double oldestDueSeconds) {}

    @Scheduled(initialDelay = 0, fixedDelayString = "${tollgate.webhooks.backlog-refresh-millis}")
    void refresh() {
        try {
            Backlog backlog = count(clock.instant(), countMax);
            due = backlog.due();
            pending = backlog.pending();
            oldestDueSeconds = backlog.oldestDueSeconds();
        } catch (RuntimeException e) {
            due = pending = oldestDueSeconds = Double.NaN;
            log.debug("Webhook backlog metrics not refreshed: {}", e.getMessage());
        }
    }

    /** Three index scans over the pending deliveries, each stopping at {@code countMax} rows (min is the index's first entry). */
    Backlog count(Instant now, long countMax) {
        Timestamp at = Timestamp.from(now);
        long dueNow = jdbc.sql("""
                SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries
                  WHERE status = 'pending' AND next_attempt_at <= ? LIMIT ?) due""").params(at, countMax).query(Long.class).single();
        long all = jdbc.sql("SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries WHERE status = 'pending' LIMIT ?) p")
                .params(countMax).query(Long.class).single();
        Timestamp oldest = jdbc.sql("SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?")
                .params(at).query(Timestamp.class).optional().orElse(null);
        return new Backlog(dueNow, all, oldest == null ? 0 : Math.max(0, (now.toEpochMilli() - oldest.getTime()) / 1000.0));
    }
}
