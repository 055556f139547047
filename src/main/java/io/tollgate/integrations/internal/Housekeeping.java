package io.tollgate.integrations.internal;

import io.tollgate.integrations.ConnectionAnalytics;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Scheduled upkeep on every node (each step is idempotent): analytics recomputed for today and yesterday, and
 * call logs (TOLLGATE_INTEGRATIONS_LOG_RETENTION_DAYS, 30), health results (…_HEALTH_RETENTION_DAYS, 30) and
 * expired OAuth states deleted in bounded batches. Audit entries are the audit module's and are kept as long as
 * it keeps them (seed 003: five years).
 */
@Component
class Housekeeping {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
    private static final int MAX_BATCHES_PER_RUN = 100;
    private final JdbcClient jdbc;
    private final ConnectionAnalytics analytics;
    private final IntegrationsProperties.Retention retention;
    private final Clock clock;

    Housekeeping(JdbcClient jdbc, ConnectionAnalytics analytics, IntegrationsProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.analytics = analytics;
        this.retention = properties.retention();
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${tollgate.integrations.analytics-every-millis}", initialDelayString = "${tollgate.integrations.analytics-every-millis}")
    void analytics() {
        analytics.rollupRecent();
    }

    @Scheduled(fixedDelayString = "${tollgate.integrations.retention.every-millis}", initialDelay = 60_000)
    void retention() {
        int logs = purge("integration_logs", "created_at", retention.logDays());
        int health = purge("integration_health", "check_timestamp", retention.healthDays());
        int states = jdbc.sql("DELETE FROM integration_oauth_states WHERE expires_at < now()").update();
        if (logs + health + states > 0) log.info("Integrations retention: {} call logs, {} health results, {} OAuth states removed", logs, health, states);
    }

    /** Deletes rows older than the retention, a batch per statement so no transaction grows without bound. */
    int purge(String table, String column, int days) {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(days, ChronoUnit.DAYS));
        int total = 0;
        for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
            int n = jdbc.sql("DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE " + column + " < ? LIMIT ?)")
                    .params(cutoff, retention.batch()).update();
            total += n;
            if (n < retention.batch()) break;
        }
        return total;
    }
}
