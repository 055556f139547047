package io.tollgate.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tollgate.platform.DatabaseErrors;
import io.tollgate.platform.Ids;
import io.tollgate.platform.TenantScope;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;

/**
 * Runs one batch of metered calls in one bounded transaction, and says exactly what became of it:
 * its outcomes (committed), a failure of the calls themselves (nothing landed: the writer may decide
 * them again one by one), or {@link MeteringUnavailable} (the database stayed away: nothing landed;
 * or a COMMIT whose fate could not be learned: the calls may have been charged). Never a batch applied
 * twice: a failed COMMIT is settled through the batch's marker before anything is decided again.
 */
@Component
class BatchTransactions {
    private static final Logger log = LoggerFactory.getLogger(BatchTransactions.class);
    private static final int MAX_ATTEMPTS = 4;

    private final MeterTransaction transaction;
    private final PlatformTransactionManager transactions;
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final BatchMarkers markers;
    private final MeteringTimeouts timeouts;
    private final DistributionSummary batchSizes;
    private final Timer batchTimes;
    private final Counter commitsChecked;

    BatchTransactions(MeterTransaction transaction, PlatformTransactionManager transactions, DataSource dataSource, JdbcClient jdbc,
                      BatchMarkers markers, MeteringTimeouts timeouts, MeterRegistry metrics) {
        this.transaction = transaction;
        this.transactions = transactions;
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.markers = markers;
        this.timeouts = timeouts;
        // Batch size and time tell an operator whether group commit is working (bigger batches under load).
        this.batchSizes = DistributionSummary.builder("tollgate.metering.batch.size").description("Metered calls per transaction")
                .publishPercentiles(0.5, 0.95, 0.99).register(metrics);
        this.batchTimes = Timer.builder("tollgate.metering.batch.duration").description("Deciding and committing one batch")
                .publishPercentiles(0.5, 0.95, 0.99).register(metrics);
        this.commitsChecked = Counter.builder("tollgate.metering.commit.checked")
                .description("Batches whose COMMIT failed and whose marker was checked").register(metrics);
    }

    /**
     * Lock conflicts, timeouts and lost connections are retried with backoff, the batch decided afresh
     * each time (nothing of a failed attempt landed). A failed COMMIT is different: the batch may have
     * landed; its marker tells, and a batch that landed is answered as decided, never applied again.
     */
    List<MeterOutcome> run(List<MeterRequest> requests) {
        return run("mtr", requests.size(), batchId -> transaction.apply(requests, batchId));
    }

    /** The statements of one batch attempt; must write the batch's marker ({@link BatchMarkers#write}) under {@code batchId}. */
    interface Body<T> {
        T apply(String batchId);
    }

    /**
     * Any batch of the metering module (metered calls, settlements of held calls) run as {@link #run(List)} runs calls.
     * Always system work, whichever thread runs it (the writer's, or a request's with batching off): a batch holds
     * many organizations' calls, moves credits between the platform's own accounts and writes its marker, none of
     * which a tenant's role may do (row-level security).
     */
    <T> T run(String idPrefix, int size, Body<T> body) {
        try (TenantScope.Binding system = TenantScope.system()) {
            return attempts(idPrefix, size, body);
        }
    }

    private <T> T attempts(String idPrefix, int size, Body<T> body) {
        long started = System.nanoTime();
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (attempt > 1) backoff(attempt);
            String batchId = Ids.next(idPrefix);
            TransactionStatus tx;
            try {
                tx = transactions.getTransaction(TransactionDefinition.withDefaults());
            } catch (CannotCreateTransactionException e) { // no connection to be had: nothing began
                lastFailure = e;
                continue;
            }
            BatchMarkers.Backend backend = null;
            T outcomes;
            try {
                backend = bound();
                outcomes = body.apply(batchId);
            } catch (RuntimeException | Error e) {
                abandon(tx, backend, e);
                if (e instanceof RuntimeException r && retryable(r)) {
                    lastFailure = r;
                    continue;
                }
                throw e; // an Error, or a failure of the calls themselves; nothing landed either way
            }
            try {
                transactions.commit(tx);
            } catch (RuntimeException e) {
                commitsChecked.increment();
                BatchMarkers.Landed landed = markers.landed(batchId, backend, timeouts.commitCheckMillis());
                if (landed == BatchMarkers.Landed.UNKNOWN) {
                    throw MeteringUnavailable.unknown("The database did not say whether the metered call was recorded");
                }
                if (landed == BatchMarkers.Landed.NOT_COMMITTED) { // nothing of it was applied: deciding it again is safe
                    lastFailure = e;
                    continue;
                }
                log.warn("A metering batch of {} committed although its commit reported {}; answered as decided", size, e.toString());
            }
            batchTimes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            batchSizes.record(size);
            return outcomes;
        }
        log.warn("A metering batch of {} failed {} times, last with {}; answered 503, nothing charged", size, MAX_ATTEMPTS,
                lastFailure == null ? "?" : lastFailure.toString());
        throw MeteringUnavailable.databaseUnavailable();
    }

    /**
     * Bounds the transaction just begun: lock_timeout and statement_timeout for its statements, and a
     * network timeout on its connection so an answer that never comes (a COMMIT lost with its TCP
     * connection) is noticed. Returns the backend and transaction id, which let a later probe end this
     * transaction if the connection breaks. One round trip.
     */
    private BatchMarkers.Backend bound() {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeouts.networkMillis()));
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("Cannot set the metering connection's network timeout", e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
        return jdbc.sql("SELECT pg_backend_pid(), (txid_current() % 4294967296)::text, set_config('lock_timeout', ?, true), "
                        + "set_config('statement_timeout', ?, true)")
                .params(timeouts.lockMillis() + "ms", timeouts.statementMillis() + "ms")
                .query((rs, n) -> new BatchMarkers.Backend(rs.getInt(1), rs.getString(2))).single();
    }

    /** Rolls back; if the connection broke mid-transaction, also ends its backend so its row locks go now. */
    private void abandon(TransactionStatus tx, BatchMarkers.Backend backend, Throwable failure) {
        try {
            if (!tx.isCompleted()) transactions.rollback(tx);
        } catch (RuntimeException e) {
            log.warn("Rolling back a failed metering batch failed: {}", e.toString());
        }
        if (backend != null && DatabaseErrors.isConnectionLost(failure)) markers.end(backend);
    }

    /** Worth another attempt: a conflict, a timeout, a lost or unavailable connection. */
    private static boolean retryable(RuntimeException e) {
        return e instanceof TransientDataAccessException || e instanceof DataAccessResourceFailureException || DatabaseErrors.isUnavailable(e);
    }

    private static void backoff(int attempt) {
        long millis = 10L << attempt;
        try {
            Thread.sleep(millis + (long) (Math.random() * millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
