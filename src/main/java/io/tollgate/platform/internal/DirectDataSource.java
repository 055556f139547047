package io.tollgate.platform.internal;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Unpooled connections as the tables' owner, for Flyway: a few at start-up, closed after the migrations. */
record DirectDataSource(DirectConnections direct) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
        return direct.open(DirectConnections.MIGRATIONS);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override public PrintWriter getLogWriter() { return null; }
    @Override public void setLogWriter(PrintWriter out) {}
    @Override public void setLoginTimeout(int seconds) {}
    @Override public int getLoginTimeout() { return 10; }
    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
    @Override public <T> T unwrap(Class<T> type) throws SQLException { throw new SQLException("Not a wrapper of " + type); }
    @Override public boolean isWrapperFor(Class<?> type) { return false; }
}
