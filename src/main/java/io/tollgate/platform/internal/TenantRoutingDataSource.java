package io.tollgate.platform.internal;

import io.tollgate.platform.DatabaseErrors;
import io.tollgate.platform.TenantScope;
import java.io.Closeable;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The application's one DataSource, in front of two pools:
 * <ul>
 *   <li>the <b>runtime pool</b> (role {@code tollgate_app}: no BYPASSRLS, owns no table) serves a thread
 *       with a {@link TenantScope} bound. Each connection gets {@code tollgate.organization_id} (and
 *       {@code tollgate.application_id}) set when it is handed out and cleared before it goes back, so
 *       row-level security shows that organization's rows only, even to a query without a tenant filter;</li>
 *   <li>the <b>system pool</b> (role {@code tollgate_system}: BYPASSRLS) serves everything else: operators,
 *       the console, sweeps, the metering writer's batches (one batch holds many organizations).</li>
 * </ul>
 *
 * <p>Why a session setting per checkout rather than {@code SET LOCAL} per transaction: much of the code
 * runs single statements in autocommit (no transaction to scope a SET LOCAL to), and a setting made
 * at checkout covers them and transactions alike. The price is that the connection must be cleared on
 * return: if clearing fails the connection is evicted, never pooled, so no connection ever goes back
 * carrying a tenant. A connection is also never lent without the setting: an unset or empty setting
 * matches no row (the policies compare with {@code current_setting(…, true)}).
 */
final class TenantRoutingDataSource implements DataSource, Closeable {
    static final String ORGANIZATION_SETTING = "tollgate.organization_id";
    static final String APPLICATION_SETTING = "tollgate.application_id";
    private static final String BIND = "SELECT set_config('" + ORGANIZATION_SETTING + "', ?, false), set_config('" + APPLICATION_SETTING + "', ?, false)";
    private static final String CLEAR = "SELECT set_config('" + ORGANIZATION_SETTING + "', '', false), set_config('" + APPLICATION_SETTING + "', '', false)";

    private final PooledDataSource system;
    /** The runtime pool; the system pool itself when row-level security is off. */
    private final PooledDataSource runtime;
    /** The owner's unpooled connections: for the migrations only. */
    private final DataSource owner;

    TenantRoutingDataSource(PooledDataSource system, PooledDataSource runtime, DataSource owner) {
        this.system = system;
        this.runtime = runtime;
        this.owner = owner;
        if (runtime != system) {
            system.partner(runtime);
            runtime.partner(system);
        }
    }

    PooledDataSource systemPool() {
        return system;
    }

    PooledDataSource runtimePool() {
        return runtime;
    }

    DataSource owner() {
        return owner;
    }

    boolean rowSecurity() {
        return runtime != system;
    }

    @Override
    public Connection getConnection() throws SQLException {
        TenantScope.Tenant tenant = TenantScope.current();
        if (tenant == null || runtime == system) return system.getConnection();
        Connection connection = bound(tenant);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Tenanted(connection));
    }

    /**
     * A pooled connection with the tenant set. One found dead while setting it (the server ended it, a
     * failover) is dropped and one more is taken, as the pool's own validation would: the caller must not
     * see a lost connection from getConnection() when a fresh one is at hand.
     */
    private Connection bound(TenantScope.Tenant tenant) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Connection connection = runtime.getConnection();
            try (PreparedStatement bind = connection.prepareStatement(BIND)) {
                bind.setString(1, tenant.organizationId());
                bind.setString(2, tenant.applicationId() == null ? "" : tenant.applicationId());
                bind.execute();
                return connection;
            } catch (SQLException e) {
                discard(connection);
                if (attempt >= 2 || !DatabaseErrors.isConnectionLost(e)) throw e;
            } catch (RuntimeException e) {
                discard(connection);
                throw e;
            }
        }
    }

    /** Clears the tenant, then returns the connection to the pool; evicts it when clearing fails. */
    private void release(Connection connection) throws SQLException {
        if (connection.isClosed()) return;
        try {
            // A transaction left open would roll the clearing back with it when the pool rolls back.
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            try (Statement clear = connection.createStatement()) {
                clear.execute(CLEAR);
            }
        } catch (SQLException | RuntimeException e) {
            discard(connection);
            return;
        }
        connection.close();
    }

    private void discard(Connection connection) {
        try {
            runtime.evictConnection(connection);
        } finally {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone
            }
        }
    }

    /** Passes every call through; close() clears the tenant first. */
    private final class Tenanted implements InvocationHandler {
        private final Connection target;
        private boolean closed;

        Tenanted(Connection target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    if (!closed) {
                        closed = true;
                        release(target);
                    }
                    return null;
                }
                case "isClosed" -> {
                    if (closed) return true;
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "tenant connection " + target;
                }
                default -> {
                    if (closed) throw new SQLException("Connection is closed", "08003");
                }
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** Closes the runtime pool, then the system pool (which, when embedded, stops PostgreSQL last). */
    @Override
    public void close() {
        if (runtime != system) runtime.close();
        system.close();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("The pools choose the role; ask for a connection without credentials");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) return (T) this;
        return system.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || system.isWrapperFor(type);
    }

    @Override public PrintWriter getLogWriter() throws SQLException { return system.getLogWriter(); }
    @Override public void setLogWriter(PrintWriter out) throws SQLException { system.setLogWriter(out); }
    @Override public void setLoginTimeout(int seconds) throws SQLException { system.setLoginTimeout(seconds); }
    @Override public int getLoginTimeout() throws SQLException { return system.getLoginTimeout(); }
    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { return system.getParentLogger(); }
}
