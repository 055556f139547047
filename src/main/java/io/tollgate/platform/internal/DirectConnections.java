package io.tollgate.platform.internal;

import io.tollgate.platform.DatabaseErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections to PostgreSQL without the pool: the pool's own new connections, the watch
 * connection and the start-up wait all come from here, so every connection starts with the same
 * session settings (idle-in-transaction timeout, TCP keepalive) and carries an application_name that
 * tells an operator, and a fault test, which of them is which in pg_stat_activity.
 */
public final class DirectConnections {
    private static final Logger log = LoggerFactory.getLogger(DirectConnections.class);
    /** Every application_name below starts with it. */
    public static final String APPLICATION_NAME_PREFIX = "tollgate";
    /** The system pool's connections (the name they always had: fault tests and operators look for it). */
    static final String POOL = "tollgate";
    /** The runtime pool's connections (row-level security applies to them). */
    static final String APP_POOL = "tollgate-app";
    /** The migrations' own connections, as the owner. */
    static final String MIGRATIONS = "tollgate-migrations";
    static final String WATCH = "tollgate-watch";
    /**
     * Every application_name a Tollgate connection may carry; {@link #open} refuses any other, so a new
     * pool must be listed here, and whoever ends "every Tollgate backend" (the fault run, an operator's
     * script) can take this list and miss none.
     */
    public static final List<String> APPLICATION_NAMES = List.of(POOL, APP_POOL, MIGRATIONS, WATCH);
    private static final long STARTUP_RETRY_MILLIS = 2_000;

    private final Driver driver = new Driver();
    private final String url;
    private final Properties base = new Properties();
    private final String sessionSql;

    DirectConnections(String url, String user, String password, ConnectionSettings settings) {
        this.url = url;
        if (user != null && !user.isBlank()) base.setProperty("user", user);
        if (password != null && !password.isBlank()) base.setProperty("password", password);
        // A TCP connect to a host that does not answer at all gives up after this (pgjdbc's own default).
        base.setProperty("connectTimeout", Long.toString(Math.clamp(settings.acquireTimeoutMillis() / 1000, 1, 10)));
        base.setProperty("tcpKeepAlive", "true");
        this.sessionSql = settings.sessionSql();
    }

    Connection open(String applicationName) throws SQLException {
        if (!APPLICATION_NAMES.contains(applicationName)) {
            throw new IllegalArgumentException("application_name " + applicationName + " is not in DirectConnections.APPLICATION_NAMES");
        }
        Properties properties = new Properties();
        properties.putAll(base);
        properties.setProperty("ApplicationName", applicationName);
        Connection connection = driver.connect(url, properties);
        if (connection == null) throw new SQLException("Not a PostgreSQL JDBC URL: " + DatabaseConfig.masked(url), "08001");
        try (Statement statement = connection.createStatement()) {
            statement.execute(sessionSql);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * Start-up against an external database that may not be up yet (a restart of both, a failover):
     * retries every 2 s with one clear log line per try instead of failing with a stack trace; gives
     * up after {@code waitSeconds}. A refusal that waiting cannot cure (a wrong password) fails at once.
     */
    void awaitReachable(long waitSeconds) {
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        for (int attempt = 1; ; attempt++) {
            try (Connection ignored = open(POOL)) {
                if (attempt > 1) log.info("PostgreSQL at {} is reachable; starting", DatabaseConfig.masked(url));
                return;
            } catch (SQLException e) {
                if (!DatabaseErrors.isConnectionLost(e)) throw new DatabaseUnreachableException(DatabaseConfig.masked(url), e);
                if (System.nanoTime() - deadline >= 0) throw new DatabaseUnreachableException(DatabaseConfig.masked(url), waitSeconds, e);
                log.warn("Waiting for PostgreSQL at {}: not reachable yet ({}); trying again in {} s (gives up after {} s: "
                        + "TOLLGATE_DATABASE_STARTUP_WAIT_SECONDS)", DatabaseConfig.masked(url), e.getMessage(), STARTUP_RETRY_MILLIS / 1000, waitSeconds);
                try {
                    Thread.sleep(STARTUP_RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new DatabaseUnreachableException(DatabaseConfig.masked(url), e);
                }
            }
        }
    }

    /** Why the application could not start on its database; FailureAnalyzer prints it without a stack trace. */
    static final class DatabaseUnreachableException extends IllegalStateException {
        DatabaseUnreachableException(String url, long waitedSeconds, SQLException cause) {
            super("PostgreSQL at " + url + " was not reachable within " + waitedSeconds + " s (" + cause.getMessage() + ")", cause);
        }

        DatabaseUnreachableException(String url, SQLException cause) {
            super("PostgreSQL at " + url + " refused the connection: " + cause.getMessage(), cause);
        }
    }
}
