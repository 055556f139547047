package io.tollgate.metering;

import io.tollgate.platform.SqlPipeline;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tells whether a metering batch committed when its COMMIT failed on the way back. Every batch writes
 * its marker row in its own transaction; inserting the same key again blocks until that transaction
 * has ended and then either conflicts (it committed) or succeeds (it did not, and now never will).
 * The probe's own insert is always rolled back.
 */
@Component
class BatchMarkers {
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    BatchMarkers(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    void write(String batchId, SqlPipeline writes) {
        writes.add("INSERT INTO meter_batches (id) VALUES (?)", batchId);
    }

    /** Whether the batch committed; throws when the database cannot tell within the lock timeout. */
    boolean committed(String batchId) {
        Boolean committed = transactions.execute(status -> {
            status.setRollbackOnly();
            // A transaction whose COMMIT never arrived holds the marker until PostgreSQL notices the lost connection.
            jdbc.sql("SET LOCAL lock_timeout = '30s'").update();
            return jdbc.sql("INSERT INTO meter_batches (id) VALUES (?) ON CONFLICT DO NOTHING").param(batchId).update() == 0;
        });
        return Boolean.TRUE.equals(committed);
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT10M")
    void dropOld() {
        jdbc.sql("DELETE FROM meter_batches WHERE committed_at < now() - interval '1 hour'").update();
    }
}
