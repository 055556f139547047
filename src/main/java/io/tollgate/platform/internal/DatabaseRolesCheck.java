package io.tollgate.platform.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * At start-up, after the migrations: row-level security holds only if the runtime role cannot bypass
 * it (not superuser, no BYPASSRLS, owner of no table: FORCE makes owners obey too, but an owner may
 * turn it off), and the system work still sees every organization only if the system role bypasses it.
 * Anything else stops the start with what to do (README, "Row-level security").
 */
record DatabaseRolesCheck(TenantRoutingDataSource dataSource, DatabaseRoles roles) {
    private static final String ROLE = """
            SELECT r.rolsuper, r.rolbypassrls,
                   (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relowner = r.oid) AS owned
              FROM pg_roles r WHERE r.rolname = current_user""";

    void verify() throws SQLException {
        Facts system = facts(dataSource.systemPool().getConnection(), roles.systemUser());
        if (!system.bypassRls() && !system.superuser()) {
            throw new IllegalStateException("The system role " + roles.systemUser() + " lacks BYPASSRLS, so system work would see no "
                    + "organization's rows: run ALTER ROLE " + roles.systemUser() + " BYPASSRLS (README, \"Row-level security\")");
        }
        if (!dataSource.rowSecurity()) return;
        Facts app = facts(dataSource.runtimePool().getConnection(), roles.appUser());
        if (app.superuser() || app.bypassRls() || app.ownedTables() > 0) {
            throw new IllegalStateException("The runtime role " + roles.appUser() + " could bypass row-level security (superuser: "
                    + app.superuser() + ", BYPASSRLS: " + app.bypassRls() + ", tables owned: " + app.ownedTables()
                    + "); give it a role that is none of these (README, \"Row-level security\"), or set TOLLGATE_DATABASE_RLS=off");
        }
    }

    private record Facts(boolean superuser, boolean bypassRls, long ownedTables) {}

    private static Facts facts(Connection connection, String role) throws SQLException {
        try (connection; Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(ROLE)) {
            if (!rs.next()) throw new IllegalStateException("The database role " + role + " is not in pg_roles");
            return new Facts(rs.getBoolean(1), rs.getBoolean(2), rs.getLong(3));
        }
    }
}
