package io.tollgate.platform.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Unpooled connections as the tables' owner, for Flyway: a few at start-up, closed after the migrations. */
record DirectDataSource(DirectConnections direct) implements ConnectionOpener {
    @Override
    public Connection getConnection() throws SQLException {
        return direct.open(DirectConnections.MIGRATIONS);
    }
}
