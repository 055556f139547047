package io.tollgate.platform.internal;

import io.tollgate.platform.DatabaseErrors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Walks the code a database fault runs through once at start, on the main thread: an error answer,
 * and a pooled connection whose backend is ended inside a transaction (pgjdbc's error and closed-
 * connection paths, the pool's eviction, Spring's translation and failed rollback, the classification
 * and the 503 answer). Otherwise all of those classes are loaded for the first time at the moment of
 * a fault, by many request threads at once; with virtual threads on two carriers and Spring Boot's
 * nested-jar class loader that burst can starve every carrier (spring-boot#51463: a virtual thread
 * holding the jar's lock waits for a carrier while the carriers wait for that lock, pinned in class
 * loading). Costs a few milliseconds and one connection of the pool at start.
 */
@Component
class FaultPathRehearsal {
    private static final Logger log = LoggerFactory.getLogger(FaultPathRehearsal.class);
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    FaultPathRehearsal(DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(transactionManager);
    }

    @EventListener(ApplicationReadyEvent.class)
    void rehearse() {
        try {
            jdbc.queryForObject("SELECT 1 / 0", Integer.class);
        } catch (RuntimeException expected) {
            DatabaseErrors.isUnavailable(expected);
        }
        try {
            transactions.executeWithoutResult(tx -> jdbc.queryForObject("SELECT pg_terminate_backend(pg_backend_pid())", Boolean.class));
        } catch (RuntimeException expected) {
            if (!DatabaseErrors.isConnectionLost(expected)) log.debug("Fault rehearsal ended unexpectedly: {}", expected.toString());
            DatabaseErrors.unavailable().toError();
        }
    }
}
