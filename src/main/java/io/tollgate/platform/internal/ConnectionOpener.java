package io.tollgate.platform.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that only opens connections (through {@link DirectConnections}, which sets timeouts, keepalive
 * and the application name): what is left of the interface has one answer for all of them.
 */
interface ConnectionOpener extends DataSource {
    @Override
    default Connection getConnection(String username, String password) throws SQLException {
        return getConnection(); // the role is DirectConnections' to choose
    }

    @Override default PrintWriter getLogWriter() { return null; }
    @Override default void setLogWriter(PrintWriter out) {}
    @Override default void setLoginTimeout(int seconds) {} // DirectConnections sets the connect timeout
    @Override default int getLoginTimeout() { return 0; }
    @Override default Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
    @Override default <T> T unwrap(Class<T> type) throws SQLException { throw new SQLException("Not a wrapper of " + type); }
    @Override default boolean isWrapperFor(Class<?> type) { return false; }
}
