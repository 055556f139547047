package io.tollgate.webhooks;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes what is older than TOLLGATE_WEBHOOK_RETENTION_DAYS, in bounded batches: attempts, finished
 * deliveries (succeeded or failed: pending and held ones are kept, whatever their age, until they end
 * or are recovered), messages no delivery needs any more, and processed inbound events.
 */
@Component
class WebhookJanitor {
    private static final Logger log = LoggerFactory.getLogger(WebhookJanitor.class);
    private static final int BATCH = 5_000;
    private static final int MAX_BATCHES_PER_RUN = 100;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;

    WebhookJanitor(JdbcClient jdbc, Clock clock, WebhookProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = Duration.ofDays(properties.retentionDays());
    }

    @Scheduled(fixedDelay = 3_600_000, initialDelay = 600_000)
    void sweep() {
        try {
            long removed = purge();
            if (removed > 0) log.info("Deleted {} webhook rows older than {} days", removed, retention.toDays());
        } catch (RuntimeException e) {
            log.warn("Webhook retention sweep failed, will retry: {}", e.getMessage());
        }
    }

    long purge() {
        Timestamp before = Timestamp.from(clock.instant().minus(retention));
        long removed = 0;
        removed += repeat("DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts WHERE attempted_at < ? LIMIT ?)", before);
        removed += repeat("""
                DELETE FROM webhook_deliveries d WHERE d.id IN (
                  SELECT id FROM webhook_deliveries WHERE created_at < ? AND status IN ('succeeded', 'failed')
                    AND NOT EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = webhook_deliveries.id) LIMIT ?)""", before);
        removed += repeat("""
                DELETE FROM webhook_messages m WHERE m.id IN (
                  SELECT id FROM webhook_messages WHERE created_at < ?
                    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = webhook_messages.id) LIMIT ?)""", before);
        removed += repeat("""
                DELETE FROM webhook_events WHERE id IN (
                  SELECT id FROM webhook_events WHERE received_at < ? AND processing_status IN ('completed', 'failed') LIMIT ?)""", before);
        return removed;
    }

    private long repeat(String sql, Timestamp before) {
        long total = 0;
        for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
            int n = jdbc.sql(sql).params(before, BATCH).update();
            total += n;
            if (n < BATCH) break;
        }
        return total;
    }
}
