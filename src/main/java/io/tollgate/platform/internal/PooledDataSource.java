package io.tollgate.platform.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.tollgate.platform.DatabaseErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The connection pool, made to heal by itself:
 * <ul>
 *   <li>one connection found dead (SQLSTATE 08, or the server ended its session) makes the pool drop
 *       every idle connection and mark the busy ones to be dropped when returned: after a failover, a
 *       restart or pg_terminate_backend of every backend, they are all dead, and the next request must
 *       get a fresh one, not the next corpse;</li>
 *   <li>while the database watch finds PostgreSQL unreachable, asking for a connection fails at once
 *       (the request gets 503 DATABASE_UNAVAILABLE) instead of waiting the acquire timeout;</li>
 *   <li>the pool opens its connections through {@link DirectConnections}, waiting while PostgreSQL is
 *       down for the watch to see it back, so Hikari's retry backoff (up to 5 s) never delays recovery;</li>
 *   <li>the pool starts on its first use, not when it is made: on the very first start its role is
 *       created by the migrations, which run after the DataSource exists (through the owner's own
 *       connections);</li>
 *   <li>a lost connection in one pool drops its partner's too (the runtime and system pools talk to
 *       the same server).</li>
 * </ul>
 */
class PooledDataSource extends HikariDataSource {
    /**
     * Several requests notice one outage at once: drop the pool's connections once per this window
     * (a connection that existed then is already marked; one made since is fresh).
     */
    private static final long EVICT_WINDOW_NANOS = 50_000_000L;
    /** How long the pool's connection opener waits for PostgreSQL to come back before it reports a failure. */
    private static final long OPEN_WAIT_MILLIS = 60_000;

    private final DatabaseAvailability availability;
    private final DirectConnections direct;
    private final AtomicLong lastEvictNanos = new AtomicLong(System.nanoTime() - EVICT_WINDOW_NANOS);

    private volatile PooledDataSource partner;

    PooledDataSource(HikariConfig config, DirectConnections direct, DatabaseAvailability availability) {
        this(config, direct, availability, DirectConnections.POOL);
    }

    /** @param applicationName what the pool's connections are called in pg_stat_activity */
    PooledDataSource(HikariConfig config, DirectConnections direct, DatabaseAvailability availability, String applicationName) {
        // HikariDataSource() without a config starts its pool on the first getConnection().
        super();
        prepared(config, direct, availability, applicationName).copyStateTo(this);
        this.availability = availability;
        this.direct = direct;
        Eviction.of(config).pool = this;
    }

    private static HikariConfig prepared(HikariConfig config, DirectConnections direct, DatabaseAvailability availability, String applicationName) {
        config.setDataSource(new Opener(direct, availability, applicationName));
        config.setExceptionOverride(new Eviction());
        return config;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!availability.up()) throw new SQLTransientConnectionException("PostgreSQL is not reachable", "08001");
        return super.getConnection();
    }

    DirectConnections direct() {
        return direct;
    }

    DatabaseAvailability availability() {
        return availability;
    }

    void partner(PooledDataSource other) {
        this.partner = other;
    }

    /** Drops every idle connection of this pool and its partner now, and every busy one when it is returned. */
    void evictAll() {
        evictOwn();
        PooledDataSource other = partner;
        if (other != null) other.evictOwn();
    }

    /** Drops every idle connection now and every busy one when it is returned (at most once per 50 ms). */
    private void evictOwn() {
        long now = System.nanoTime();
        long last = lastEvictNanos.get();
        if (now - last < EVICT_WINDOW_NANOS || !lastEvictNanos.compareAndSet(last, now)) return;
        HikariPoolMXBean pool = getHikariPoolMXBean();
        if (pool != null) pool.softEvictConnections();
    }

    /** Hikari asks this about every SQLException a pooled connection throws. */
    static final class Eviction implements SQLExceptionOverride {
        volatile PooledDataSource pool;

        static Eviction of(HikariConfig config) {
            return (Eviction) config.getExceptionOverride();
        }

        // No @Override here: inside this class "Override" names SQLExceptionOverride's enum.
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            PooledDataSource target = pool;
            if (target != null && DatabaseErrors.isConnectionLost(e)) target.evictAll();
            return SQLExceptionOverride.Override.CONTINUE_EVICT; // and Hikari's own rules drop the failing connection itself
        }
    }

    /** Where the pool gets its new connections. */
    private record Opener(DirectConnections direct, DatabaseAvailability availability, String applicationName) implements ConnectionOpener {
        @Override
        public Connection getConnection() throws SQLException {
            try {
                if (!availability.awaitUp(OPEN_WAIT_MILLIS)) throw new SQLTransientConnectionException("PostgreSQL is not reachable", "08001");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLTransientConnectionException("Interrupted while waiting for PostgreSQL", "08001", e);
            }
            return direct.open(applicationName);
        }
    }
}
