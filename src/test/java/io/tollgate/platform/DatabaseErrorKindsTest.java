package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures are the database's (503, retried where safe) and which are the request's or a bug. */
class DatabaseErrorKindsTest {

    @Test
    void lostConnectionsAndSessionsEndedByTheServer() {
        assertThat(DatabaseErrors.isConnectionLost(new SQLException("I/O error", "08006"))).isTrue();
        assertThat(DatabaseErrors.isConnectionLost(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(DatabaseErrors.isConnectionLost(new SQLException("the database system is starting up", "57P03"))).isTrue();
        // Spring's commit/rollback failure keeps the SQLException as its cause.
        assertThat(DatabaseErrors.isConnectionLost(new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed", "08003")))).isTrue();
        // A rollback that failed after the statement did: the pool's "Connection is closed" has no SQLSTATE.
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new SQLException("terminating connection due to administrator command", "57P01"));
        assertThat(DatabaseErrors.isConnectionLost(rollbackFailed)).isTrue();
        assertThat(DatabaseErrors.isConnectionLost(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(DatabaseErrors.isConnectionLost(new RuntimeException("no state at all"))).isFalse();
    }

    @Test
    void unavailableCoversNoConnectionAndBusyButNeverTheRequestsFault() {
        assertThat(DatabaseErrors.isUnavailable(new CannotGetJdbcConnectionException("pool timeout"))).isTrue();
        assertThat(DatabaseErrors.isUnavailable(new CannotCreateTransactionException("no connection",
                new SQLTransientConnectionException("PostgreSQL is not reachable", "08001")))).isTrue();
        assertThat(DatabaseErrors.isUnavailable(new SQLException("canceling statement due to lock timeout", "55P03"))).isTrue();
        assertThat(DatabaseErrors.isUnavailable(new SQLException("canceling statement due to statement timeout", "57014"))).isTrue();
        assertThat(DatabaseErrors.isUnavailable(new SQLException("too many clients", "53300"))).isTrue();
        assertThat(DatabaseErrors.isUnavailable(new DataIntegrityViolationException("dup", new SQLException("dup", "23505")))).isFalse();
        assertThat(DatabaseErrors.isUnavailable(new SQLException("out of range", "22003"))).isFalse();
        assertThat(DatabaseErrors.isUnavailable(new IllegalStateException("a bug"))).isFalse();
    }

    @Test
    void theAnswerIs503WithRetryAfter() {
        ApiException e = DatabaseErrors.unavailable();
        assertThat(e.status().value()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(e.toError().details()).containsEntry("retry_after_seconds", DatabaseErrors.RETRY_AFTER_SECONDS);
    }
}
