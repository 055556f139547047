package io.tollgate.platform.internal;

import io.tollgate.platform.DatabaseErrors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;

/**
 * Walks the code a database fault runs through once at start, on the main thread: an error answer,
 * and a pooled connection whose backend is ended inside a transaction (pgjdbc's error and closed-
 * connection paths, the pool's eviction, Spring's translation and failed rollback, the classification
 * and the 503 answer). Otherwise all of those classes are loaded for the first time at the moment of
 * a fault, by many request threads at once; with virtual threads on two carriers and Spring Boot's
 * nested-jar class loader that burst can starve every carrier (spring-boot#51463: a virtual thread
 * holding the jar's lock waits for a carrier while the carriers wait for that lock, pinned in class
 * loading). Costs a few milliseconds and one connection of the pool at start. The transaction is driven
 * by hand, not through a TransactionTemplate: the template logs a failed rollback after an exception at
 * ERROR with its stack trace, and this one fails on purpose at every start. For the same reason the pool's
 * "connection marked as broken" WARN (with a stack trace) is quieted for these few milliseconds; the level
 * is process-wide, so a real broken connection met by a request in that moment (the server has just begun
 * serving) goes unlogged, though the pool still evicts it and the request is still answered. Outside the
 * rehearsal the WARN is logged as always.
 */
@Component
class FaultPathRehearsal {
    private static final Logger log = LoggerFactory.getLogger(FaultPathRehearsal.class);
    private final JdbcTemplate jdbc;
    /** Hikari's logger for a connection it marks broken. */
    private static final String BROKEN_CONNECTION_LOGGER = "com.zaxxer.hikari.pool.ProxyConnection";
    private final PlatformTransactionManager transactions;
    private final ObjectProvider<LoggingSystem> logging;

    FaultPathRehearsal(DataSource dataSource, PlatformTransactionManager transactionManager, ObjectProvider<LoggingSystem> logging) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = transactionManager;
        this.logging = logging;
    }

    @EventListener(ApplicationReadyEvent.class)
    void rehearse() {
        LoggingSystem system = logging.getIfAvailable();
        LoggerConfiguration configured = system == null ? null : system.getLoggerConfiguration(BROKEN_CONNECTION_LOGGER);
        LogLevel restore = configured == null ? null : configured.getConfiguredLevel();
        if (system != null) system.setLogLevel(BROKEN_CONNECTION_LOGGER, LogLevel.ERROR);
        try {
            walkFaultPath();
        } finally {
            if (system != null) system.setLogLevel(BROKEN_CONNECTION_LOGGER, restore);
        }
    }

    private void walkFaultPath() {
        try {
            jdbc.queryForObject("SELECT 1 / 0", Integer.class);
        } catch (RuntimeException expected) {
            DatabaseErrors.isUnavailable(expected);
        }
        TransactionStatus tx;
        try {
            tx = transactions.getTransaction(TransactionDefinition.withDefaults());
        } catch (RuntimeException noConnection) {
            // The database is away (or the pool busy) just as the node starts serving: nothing to rehearse on, and
            // an exception out of a ready listener would stop the node.
            log.debug("Fault rehearsal skipped: {}", noConnection.toString());
            return;
        }
        try {
            jdbc.queryForObject("SELECT pg_terminate_backend(pg_backend_pid())", Boolean.class);
            transactions.commit(tx);
        } catch (RuntimeException expected) {
            if (!DatabaseErrors.isConnectionLost(expected)) log.debug("Fault rehearsal ended unexpectedly: {}", expected.toString());
            DatabaseErrors.unavailable().toError();
            if (!tx.isCompleted()) {
                try {
                    transactions.rollback(tx); // fails too (the connection is gone): the path a real fault takes
                } catch (RuntimeException rollbackFailed) {
                    log.debug("Fault rehearsal: rollback on the ended connection failed, as it should: {}", rollbackFailed.toString());
                }
            }
        }
    }
}
