package io.tollgate.platform.internal;

import io.tollgate.platform.DatabaseErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * One connection per node, outside the pool, that LISTENs for cache invalidations and tells whether
 * PostgreSQL is reachable. It is probed every {@code check-millis} with a query that must answer within
 * {@code check-timeout-millis} (a silently dropped TCP connection never errors by itself); a connection
 * the server ended (pg_terminate_backend, a restart) fails at once. When it is lost:
 * <ul>
 *   <li>every cache notifications keep fresh is dropped at once, and again once LISTEN is back (the
 *       node may have missed notifications in between);</li>
 *   <li>the pool drops its connections (they were likely ended too);</li>
 *   <li>it reconnects at once; if PostgreSQL refuses (down, restarting), the node is marked unreachable
 *       — requests get 503 without waiting, readiness is DOWN — and it tries again every 250 ms.</li>
 * </ul>
 */
@Component
class DatabaseWatch implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(DatabaseWatch.class);
    private static final long RETRY_MILLIS = 250;
    private static final long QUIET_LOG_NANOS = 30_000_000_000L;

    /** Something fed by NOTIFY on a channel. */
    interface Subscriber {
        String channel();

        void notified(String payload);

        /** Notifications may have been missed: drop whatever they keep fresh. */
        void missed();
    }

    private final PooledDataSource pool;
    private final DatabaseAvailability availability;
    private final ConnectionSettings settings;
    private final List<Subscriber> subscribers;
    private volatile boolean running;
    private volatile int backendPid;
    private Thread thread;
    private long lastQuietLogNanos = System.nanoTime() - QUIET_LOG_NANOS;

    DatabaseWatch(DataSource dataSource, ConnectionSettings settings, List<Subscriber> subscribers) throws SQLException {
        this.pool = dataSource.unwrap(PooledDataSource.class);
        this.availability = pool.availability();
        this.settings = settings;
        this.subscribers = List.copyOf(subscribers);
    }

    /** The watch connection's backend, for tests that end it; 0 while there is none. */
    int backendPid() {
        return backendPid;
    }

    private void run() {
        boolean connectedBefore = false;
        while (running) {
            Connection connection;
            try {
                connection = pool.direct().open(DirectConnections.WATCH);
            } catch (SQLException e) {
                unreachable(e);
                pause();
                continue;
            }
            try (connection) {
                connection.setNetworkTimeout(Runnable::run, (int) settings.checkTimeoutMillis());
                try (Statement statement = connection.createStatement()) {
                    for (Subscriber s : subscribers) statement.execute("LISTEN " + s.channel());
                    try (ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        backendPid = rs.getInt(1);
                    }
                }
                if (availability.markUp()) {
                    log.info("PostgreSQL is reachable again; serving");
                    pool.evictAll(); // connections from before the outage are dead
                }
                if (connectedBefore) subscribers.forEach(Subscriber::missed);
                connectedBefore = true;
                listen(connection);
                backendPid = 0; // stopped
            } catch (SQLException | RuntimeException e) {
                backendPid = 0;
                if (!running) return;
                log.warn("Lost the database watch connection ({}); dropping cached facts and reconnecting", e.getMessage());
                subscribers.forEach(Subscriber::missed);
                pool.evictAll();
            }
        }
    }

    private void listen(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long checkNanos = settings.checkMillis() * 1_000_000;
        long nextProbe = System.nanoTime() + checkNanos;
        while (running) {
            long waitMillis = Math.max(1, (nextProbe - System.nanoTime()) / 1_000_000);
            PGNotification[] notifications = pg.getNotifications((int) Math.min(waitMillis, Integer.MAX_VALUE));
            if (notifications != null) {
                for (PGNotification n : notifications) {
                    for (Subscriber s : subscribers) if (s.channel().equals(n.getName())) s.notified(n.getParameter());
                }
            }
            if (System.nanoTime() - nextProbe >= 0) {
                try (Statement probe = connection.createStatement()) {
                    probe.execute("SELECT 1");
                }
                nextProbe = System.nanoTime() + checkNanos;
            }
        }
    }

    private void unreachable(SQLException e) {
        if (DatabaseErrors.isConnectionLost(e)) {
            if (availability.markDown()) {
                log.warn("PostgreSQL is not reachable ({}); answering 503 DATABASE_UNAVAILABLE and readiness DOWN until it is back",
                        e.getMessage());
                pool.evictAll();
            }
        } else if (System.nanoTime() - lastQuietLogNanos >= QUIET_LOG_NANOS) {
            // Reachable but refusing this connection (too many connections, a permission): the pool may still work.
            lastQuietLogNanos = System.nanoTime();
            log.warn("The database watch cannot connect ({}); retrying", e.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("database-watch").start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) thread.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Started early, stopped late: after the web server and the metering writer, before the pool closes.
        return Integer.MIN_VALUE + 100;
    }
}
