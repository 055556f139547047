package io.tollgate.platform;

import java.sql.SQLException;

/**
 * What kind of failure a database exception is, by PostgreSQL's SQLSTATE, for the handlers that turn
 * it into an answer (the API's envelope, the console's pages) and for code that retries on one kind.
 */
public final class DatabaseErrors {
    private DatabaseErrors() {}

    /** The SQLSTATE of the first SQLException in the cause chain, or null. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) return sql.getSQLState();
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
}
