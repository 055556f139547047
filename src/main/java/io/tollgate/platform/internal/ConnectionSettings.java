package io.tollgate.platform.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How connections to PostgreSQL notice and ride through faults (application.properties maps each from
 * a TOLLGATE_DATABASE_… variable).
 *
 * @param acquireTimeoutMillis            how long a request waits for a pooled connection before it is
 *                                        answered 503 (while PostgreSQL is known to be down: not at all);
 *                                        a new connection's TCP connect waits at most 10 s of it
 * @param checkMillis                     how often the watch connection (LISTEN for cache invalidation,
 *                                        and the database's reachability for readiness) is probed
 * @param checkTimeoutMillis              how long a probe may wait for its answer before the connection
 *                                        counts as lost (a silently dropped TCP connection never errors)
 * @param idleInTransactionTimeoutMillis  set on every connection: PostgreSQL ends a transaction left idle
 *                                        this long, so a client that vanished mid-transaction frees its locks
 * @param keepalive                       TCP keepalive PostgreSQL uses on every connection, so it notices
 *                                        a client that vanished without closing (a lost COMMIT's locks)
 * @param startupWaitSeconds              an external database not reachable at start is waited for this
 *                                        long (0: fail at once)
 */
@ConfigurationProperties("tollgate.database.connections")
record ConnectionSettings(long acquireTimeoutMillis, long checkMillis, long checkTimeoutMillis, long idleInTransactionTimeoutMillis,
                          Keepalive keepalive, long startupWaitSeconds) {

    record Keepalive(int idleSeconds, int intervalSeconds, int count) {}

    ConnectionSettings {
        if (acquireTimeoutMillis < 250) throw new IllegalArgumentException("tollgate.database.connections.acquire-timeout-millis must be at least 250");
        if (checkMillis < 50 || checkTimeoutMillis < 50) throw new IllegalArgumentException("database check intervals must be at least 50 ms");
        if (keepalive == null) keepalive = new Keepalive(10, 5, 3);
    }

    /** The session settings every connection starts with (one round trip when it opens). */
    String sessionSql() {
        return "SET idle_in_transaction_session_timeout = " + idleInTransactionTimeoutMillis
                + "; SET tcp_keepalives_idle = " + keepalive.idleSeconds()
                + "; SET tcp_keepalives_interval = " + keepalive.intervalSeconds()
                + "; SET tcp_keepalives_count = " + keepalive.count();
    }
}
