package io.tollgate.integrations.internal;

import io.tollgate.integrations.HealthChecks;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs due health checks on every node without two nodes checking one connection at once: a node claims up to
 * as many due connections as it has free check slots (TOLLGATE_INTEGRATIONS_HEALTH_MAX_CONCURRENT) by moving
 * their next_check_at one interval ahead, with FOR UPDATE SKIP LOCKED so nodes pass over each other's rows.
 * A node that dies after claiming only delays those checks by one interval.
 */
@Component
class HealthScheduler {
    private static final Logger log = LoggerFactory.getLogger(HealthScheduler.class);
    private final JdbcClient jdbc;
    private final HealthChecks checks;
    private final Semaphore slots;
    private final int batch;
    private final ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor();

    HealthScheduler(JdbcClient jdbc, HealthChecks checks, IntegrationsProperties properties) {
        this.jdbc = jdbc;
        this.checks = checks;
        this.slots = new Semaphore(properties.health().maxConcurrent());
        this.batch = properties.health().batch();
    }

    @Scheduled(fixedDelayString = "${tollgate.integrations.health.poll-millis}", initialDelayString = "${tollgate.integrations.health.poll-millis}")
    void poll() {
        int free = Math.min(slots.availablePermits(), batch);
        if (free == 0) return;
        List<String> due = jdbc.sql("""
                UPDATE integration_connections c SET next_check_at = now() + make_interval(secs => c.health_check_interval_seconds)
                WHERE c.id IN (SELECT id FROM integration_connections
                               WHERE status IN ('active', 'error') AND deleted_at IS NULL AND next_check_at <= now()
                               ORDER BY next_check_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING c.id""").param(free).query(String.class).list();
        for (String id : due) {
            slots.acquireUninterruptibly();
            runners.execute(() -> {
                try {
                    checks.runScheduled(id);
                } catch (RuntimeException e) {
                    log.warn("Health check of {} failed to run: {}", id, e.toString());
                } finally {
                    slots.release();
                }
            });
        }
    }

    @PreDestroy
    void stop() {
        runners.shutdownNow();
    }
}
