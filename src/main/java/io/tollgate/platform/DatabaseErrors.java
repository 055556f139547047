package io.tollgate.platform;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * What kind of failure a database exception is, by PostgreSQL's SQLSTATE, for the handlers that turn
 * it into an answer (the API's envelope, the console's pages) and for code that retries on one kind.
 */
public final class DatabaseErrors {
    /** What a 503 DATABASE_UNAVAILABLE tells the client to wait: the pool heals within about a second. */
    public static final int RETRY_AFTER_SECONDS = 2;

    /**
     * 57P01 admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P03
     * cannot_connect_now (starting up, shutting down): the server ended the session or refuses new ones.
     */
    private static final Set<String> SESSION_ENDED = Set.of("57P01", "57P02", "57P03");
    /**
     * Busy rather than gone: too many connections, a statement or lock wait ended by its timeout, a
     * deadlock or serialization failure PostgreSQL broke. Retrying later is the answer to all of them.
     */
    private static final Set<String> BUSY = Set.of("53300", "57014", "55P03", "40001", "40P01");

    private DatabaseErrors() {}

    /**
     * Runs a read, and once more if it failed on a lost connection (the pool has dropped the dead ones by
     * then, or fails at once while PostgreSQL is down). Only for reads that act on nothing: the credential
     * lookups of the authentication filters, which must not be repeated by re-running the filter chain
     * (a servlet filter chain cannot be restarted; running the rest of it again skipped the security chain).
     */
    public static <T> T readOnceMore(Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            if (!isConnectionLost(e)) throw e;
            return read.get();
        }
    }

    /**
     * The SQLSTATE of the first SQLException in the cause chain, or null. When a rollback failed after
     * the statement did, Spring throws the rollback's failure (the pool's "Connection is closed", which
     * has no SQLSTATE) and keeps the statement's as its application exception: that one is looked at too.
     */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) return sql.getSQLState();
            if (t instanceof TransactionSystemException tx && tx.getApplicationException() != null) {
                String state = sqlState(tx.getApplicationException());
                if (state != null) return state;
            }
        }
        return null;
    }

    /** Class 22, data exception: a value PostgreSQL cannot hold (out of range, a NUL in text): the caller's input. */
    public static boolean isBadValue(Throwable e) {
        String state = sqlState(e);
        return state != null && state.startsWith("22");
    }

    /** 55P03, lock_not_available: a wait ended by lock_timeout rather than by a deadlock. */
    public static boolean isLockTimeout(Throwable e) {
        return "55P03".equals(sqlState(e));
    }

    /**
     * The connection is gone: SQLSTATE class 08 (connection exception: refused, reset, closed, an I/O
     * error or a network timeout) or the server ended the session. Whatever ran on it did not finish,
     * except possibly a COMMIT whose answer was lost.
     */
    public static boolean isConnectionLost(Throwable e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("08") || SESSION_ENDED.contains(state));
    }

    /**
     * The database cannot serve this request now, through no fault of the request: the connection was
     * lost, none could be had (pool timeout, the database down), or it is too busy. Answered 503, never 500.
     */
    public static boolean isUnavailable(Throwable e) {
        String state = sqlState(e);
        if (isConnectionLost(e) || state != null && BUSY.contains(state)) return true;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof CannotGetJdbcConnectionException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException) return true;
        }
        return false;
    }

    /** The answer to a request the database could not serve: 503 DATABASE_UNAVAILABLE with Retry-After. */
    public static ApiException unavailable() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "DATABASE_UNAVAILABLE",
                "The database is unavailable right now; retry shortly", Map.of("retry_after_seconds", RETRY_AFTER_SECONDS), Map.of());
    }
}
