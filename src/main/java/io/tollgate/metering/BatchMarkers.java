package io.tollgate.metering;

import io.tollgate.platform.SqlPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tells whether a metering batch committed when its COMMIT failed on the way back. Every batch writes
 * its marker row in its own transaction; inserting the same key again blocks until that transaction
 * has ended and then either conflicts (it committed) or succeeds (it did not, and now never will).
 * The probe's own insert is always rolled back.
 *
 * <p>The batch's own backend may outlive its lost connection (PostgreSQL notices a vanished client
 * only through keepalive or the idle-in-transaction timeout), holding the marker and the batch's row
 * locks. So the probe first ends that backend — if it is still in that very transaction (pid and xid
 * must both match, so a reused pid is never hit) — which is safe either way: a transaction whose
 * COMMIT was already being processed finishes committing first (PostgreSQL holds interrupts in the
 * commit), one still waiting for its COMMIT rolls back. Then the answer comes at once.
 */
@Component
class BatchMarkers {
    private static final Logger log = LoggerFactory.getLogger(BatchMarkers.class);
    private static final long LOCK_WAIT_MILLIS = 5_000;
    private static final long RETRY_MILLIS = 250;

    /** Whether a batch whose COMMIT failed landed. */
    enum Landed { COMMITTED, NOT_COMMITTED, UNKNOWN }

    /** The PostgreSQL backend that ran a batch, and its transaction id (32-bit, as pg_stat_activity shows it). */
    record Backend(int pid, String xid) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    BatchMarkers(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    void write(String batchId, SqlPipeline writes) {
        writes.add("INSERT INTO meter_batches (id) VALUES (?)", batchId);
    }

    /**
     * Whether the batch committed. Asks again on a fresh connection until {@code checkMillis} have passed
     * (the pool's connections may have died with the batch's, or the database may be restarting);
     * UNKNOWN only if no answer came in that time.
     */
    Landed landed(String batchId, Backend batchBackend, long checkMillis) {
        long deadline = System.nanoTime() + checkMillis * 1_000_000;
        while (true) {
            try {
                long waitMillis = Math.max(1, Math.min(LOCK_WAIT_MILLIS, (deadline - System.nanoTime()) / 1_000_000));
                Boolean committed = transactions.execute(status -> {
                    status.setRollbackOnly();
                    jdbc.sql("SELECT set_config('lock_timeout', ?, true)").param(waitMillis + "ms").query(String.class).single();
                    if (batchBackend != null) terminate(batchBackend);
                    return jdbc.sql("INSERT INTO meter_batches (id) VALUES (?) ON CONFLICT DO NOTHING").param(batchId).update() == 0;
                });
                return Boolean.TRUE.equals(committed) ? Landed.COMMITTED : Landed.NOT_COMMITTED;
            } catch (RuntimeException e) {
                if (System.nanoTime() - deadline >= 0) {
                    log.error("Cannot tell whether metering batch {} committed: {}", batchId, e.toString());
                    return Landed.UNKNOWN;
                }
                log.warn("Cannot tell yet whether metering batch {} committed ({}); asking again", batchId, e.getMessage());
                sleep();
            }
        }
    }

    /**
     * Ends the backend of a batch whose connection broke before its COMMIT, so its row locks go now
     * rather than when PostgreSQL notices the lost client; best effort (the database may be away too).
     */
    void end(Backend batchBackend) {
        try {
            terminate(batchBackend);
        } catch (RuntimeException e) {
            log.debug("Could not end backend {} of a broken metering batch: {}", batchBackend.pid(), e.toString());
        }
    }

    private void terminate(Backend backend) {
        boolean ended = jdbc.sql("SELECT coalesce(bool_or(pg_terminate_backend(pid)), false) FROM pg_stat_activity "
                        + "WHERE pid = ? AND backend_xid::text = ?")
                .params(backend.pid(), backend.xid()).query(Boolean.class).single();
        if (ended) log.warn("Ended backend {} still holding a broken metering batch's transaction {}", backend.pid(), backend.xid());
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT10M")
    void dropOld() {
        jdbc.sql("DELETE FROM meter_batches WHERE committed_at < now() - interval '1 hour'").update();
    }
}
