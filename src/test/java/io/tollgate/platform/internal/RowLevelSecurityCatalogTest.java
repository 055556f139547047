package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.ApiTest;
import io.tollgate.TenantFixture;
import io.tollgate.platform.TenantScope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Row-level security, generated from the catalog (pg_class, pg_policies), so a new table without a
 * policy fails the build: every table of the schema either has RLS enabled and forced with a policy, or
 * is system-only (forced, no policy, no grant to the runtime role), or is listed below as holding no
 * organization's data, with the reason. Then, for every table with a policy, the runtime role acting for
 * one organization reads, updates and deletes nothing of another's.
 */
class RowLevelSecurityCatalogTest extends ApiTest {
    /** Tables holding no organization's data: no RLS; the runtime role may read some, change none. */
    static final Map<String, String> NO_TENANT = Map.of(
            "flyway_schema_history", "the migrations' own history (no grant to the runtime role)",
            "settings", "platform settings and key fingerprints, read at start-up by the system role (no grant to the runtime role)",
            "operators", "the platform's operators, not an organization's (no grant to the runtime role)",
            "admin_tokens", "operator tokens (no grant to the runtime role)",
            "operator_sign_in_failures", "console sign-in throttling of operators (no grant to the runtime role)",
            "oauth_signing_keys", "the platform's token signing keys (no grant to the runtime role)",
            "usage_weekly_progress", "one row: how far the weekly roll-up went (a request merging an anonymous user's usage locks it FOR SHARE, which needs UPDATE)",
            "plans", "the plan catalog every organization chooses from (read only)",
            "catalog_apps", "the catalog of connected apps every organization may activate (read only)",
            "credit_prices", "the price list of credit packs (read only)");
    /** Tenant-free catalogs continued (Map.of takes ten pairs). */
    static final Map<String, String> NO_TENANT_MORE = Map.of(
            "stripe_plan_prices", "plan → Stripe price ids (read only)");
    /** Forced RLS with no policy and no grant: only the system role (BYPASSRLS) touches them. */
    static final Set<String> SYSTEM_ONLY = Set.of("payment_events", "stripe_invoice_payments", "meter_batches");

    @Autowired
    DataSource dataSource;

    record TableFacts(String name, boolean enabled, boolean forced, int policies) {}

    private List<TableFacts> tables() {
        return jdbc.sql("""
                SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                       (SELECT count(*) FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname)
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1""")
                .query((rs, i) -> new TableFacts(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getInt(4))).list();
    }

    private static boolean noTenant(String table) {
        return NO_TENANT.containsKey(table) || NO_TENANT_MORE.containsKey(table);
    }

    @Test
    void everyTableHasForcedRowLevelSecurityWithAPolicyOrIsListedWithAReason() {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (TableFacts t : tables()) {
            if (t.name().startsWith("rotation_probe_")) continue; // tests' own scratch tables
            seen.add(t.name());
            if (noTenant(t.name())) {
                if (t.enabled()) problems.add(t.name() + " is listed as tenant-free but has RLS: take it off the list");
                continue;
            }
            if (!t.enabled() || !t.forced()) problems.add(t.name() + ": RLS enabled=" + t.enabled() + " forced=" + t.forced());
            if (SYSTEM_ONLY.contains(t.name())) {
                if (t.policies() > 0) problems.add(t.name() + " is system-only but has a policy");
            } else if (t.policies() == 0) {
                problems.add(t.name() + " has no policy: add one on the organization (V2xx) or list it with the reason it holds no tenant data");
            }
        }
        for (String listed : new TreeSet<>(List.copyOf(union()))) {
            if (!seen.contains(listed)) problems.add(listed + " is listed but is not a table any more");
        }
        assertThat(problems).as("tables and their row-level security").isEmpty();
    }

    private Set<String> union() {
        Set<String> all = new TreeSet<>(NO_TENANT.keySet());
        all.addAll(NO_TENANT_MORE.keySet());
        all.addAll(SYSTEM_ONLY);
        return all;
    }

    @Test
    void theRuntimeRoleCannotChangeTenantFreeTablesAndCannotTouchSystemOnlyOnes() {
        String app = appRole();
        for (String table : union()) {
            if (table.equals("usage_weekly_progress")) continue; // see NO_TENANT: SELECT … FOR SHARE needs UPDATE
            boolean write = jdbc.sql("SELECT has_table_privilege(?, ?, 'INSERT') OR has_table_privilege(?, ?, 'UPDATE') OR has_table_privilege(?, ?, 'DELETE')")
                    .params(app, table, app, table, app, table).query(Boolean.class).single();
            assertThat(write).as(app + " may change " + table).isFalse();
        }
        for (String table : SYSTEM_ONLY) {
            assertThat(jdbc.sql("SELECT has_table_privilege(?, ?, 'SELECT')").params(app, table).query(Boolean.class).single())
                    .as(app + " may read " + table).isFalse();
        }
    }

    @Test
    void theRuntimeRoleIsNeitherOwnerNorSuperuserNorBypassesAndTheSystemRoleBypasses() {
        record Role(boolean superuser, boolean bypass, boolean login, long owned) {}
        String sql = """
                SELECT r.rolsuper, r.rolbypassrls, r.rolcanlogin,
                       (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p', 'v', 'm'))
                  FROM pg_roles r WHERE r.rolname = ?""";
        Role app = jdbc.sql(sql).param(appRole()).query((rs, i) -> new Role(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getLong(4))).single();
        assertThat(app).isEqualTo(new Role(false, false, true, 0));
        Role system = jdbc.sql(sql).param("tollgate_system").query((rs, i) -> new Role(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getLong(4))).single();
        assertThat(system.bypass()).isTrue();
        assertThat(system.superuser()).isFalse();
        assertThat(system.owned()).isZero();
        // And the application's queries really run as them.
        assertThat(jdbc.sql("SELECT current_user").query(String.class).single()).isEqualTo("tollgate_system");
        try (TenantScope.Binding ignored = TenantScope.bind(createOrganization(), null)) {
            assertThat(jdbc.sql("SELECT current_user").query(String.class).single()).isEqualTo(appRole());
        }
    }

    @Test
    void aConnectionGoesBackToThePoolWithoutItsTenant() throws SQLException {
        TenantRoutingDataSource routing = dataSource.unwrap(TenantRoutingDataSource.class);
        String org = createOrganization();
        for (int i = 0; i < 5; i++) {
            try (TenantScope.Binding ignored = TenantScope.bind(org, "app_x");
                 Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('tollgate.organization_id', true), current_setting('tollgate.application_id', true)")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(org);
                assertThat(rs.getString(2)).isEqualTo("app_x");
            }
        }
        // Borrow every connection the runtime pool has, straight from the pool: none carries a tenant.
        List<Connection> held = new ArrayList<>();
        try {
            int total = routing.runtimePool().getHikariPoolMXBean().getTotalConnections();
            for (int i = 0; i < total; i++) held.add(routing.runtimePool().getConnection());
            for (Connection c : held) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(current_setting('tollgate.organization_id', true), '')")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEmpty();
                }
            }
        } finally {
            for (Connection c : held) c.close();
        }
    }

    @Test
    void aTransactionLeftOpenIsRolledBackAndTheTenantStillCleared() throws SQLException {
        String org = createOrganization();
        try (TenantScope.Binding ignored = TenantScope.bind(org, null); Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1/0").close();
            } catch (SQLException expected) {
                // the transaction is now aborted; closing must still clear the tenant (or evict the connection)
            }
        }
        TenantRoutingDataSource routing = dataSource.unwrap(TenantRoutingDataSource.class);
        try (Connection c = routing.runtimePool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(current_setting('tollgate.organization_id', true), '')")) {
            rs.next();
            assertThat(rs.getString(1)).isEmpty();
        }
    }

    @Test
    void withoutATenantTheRuntimeRoleSeesNothing() throws SQLException {
        createApp();
        TenantRoutingDataSource routing = dataSource.unwrap(TenantRoutingDataSource.class);
        try (Connection c = routing.runtimePool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM applications")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        assertThatThrownBy(() -> {
            try (TenantScope.Binding ignored = TenantScope.bind(createOrganization(), null)) {
                jdbc.sql("SELECT count(*) FROM operators").query(Long.class).single();
            }
        }).hasStackTraceContaining("permission denied for table operators");
    }

    /**
     * Rows organization A (%s) may reach that are not another organization's: its own organization row and
     * wallet, the shared provider catalog, the platform's system accounts.
     */
    static final Map<String, String> SHARED_ROWS = Map.of(
            "organizations", "id = '%s'",
            "integration_providers", "organization_id IS NULL",
            "ledger_accounts", "owner_type = 'system' OR (owner_type = 'organization' AND owner_id = '%s')");

    @Autowired
    PlatformTransactionManager transactionManager;

    /**
     * For every table with a policy: organization B's rows exist (made through the APIs), and the runtime
     * role acting for organization A (which owns nothing) reads none of them, and its UPDATE and DELETE
     * of them affect no row (each in a transaction rolled back afterwards, in case one did).
     */
    @Test
    void actingForOneOrganizationNoTableShowsChangesOrDeletesAnotherOrganizationsRows() {
        TenantFixture.create(admin, port);
        String organizationA = createOrganization();
        TransactionTemplate transactions = new TransactionTemplate(transactionManager);
        List<String> leaks = new ArrayList<>();
        Set<String> populated = new TreeSet<>();
        Set<String> empty = new TreeSet<>();
        for (TableFacts t : tables()) {
            if (t.policies() == 0) continue;
            String others = "NOT (" + SHARED_ROWS.getOrDefault(t.name(), "false").replace("%s", organizationA) + ")";
            long rows = jdbc.sql("SELECT count(*) FROM " + t.name() + " WHERE " + others).query(Long.class).single();
            (rows > 0 ? populated : empty).add(t.name());
            String column = jdbc.sql("""
                    SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
                       AND is_identity = 'NO' AND is_generated = 'NEVER' ORDER BY ordinal_position LIMIT 1""")
                    .param(t.name()).query(String.class).single();
            try (TenantScope.Binding ignored = TenantScope.bind(organizationA, null)) {
                long seen = affected(transactions, "SELECT count(*) FROM " + t.name() + " WHERE " + others, true);
                long updated = affected(transactions, "UPDATE " + t.name() + " SET " + column + " = " + column + " WHERE " + others, false);
                long deleted = affected(transactions, "DELETE FROM " + t.name() + " WHERE " + others, false);
                if (seen + updated + deleted > 0) leaks.add(t.name() + ": read " + seen + ", updated " + updated + ", deleted " + deleted + " of " + rows);
            }
        }
        assertThat(leaks).as("another organization's rows reached by the runtime role").isEmpty();
        // Not vacuous: most tables with a policy hold another organization's rows by now (the fixture alone fills these).
        assertThat(populated).as("tables holding other organizations' rows (empty: " + empty + ")")
                .contains("organizations", "applications", "api_keys", "end_users", "auth_sessions", "ledger_accounts", "ledger_transfers",
                        "payments", "webhook_endpoints", "webhook_sources", "integration_connections", "integration_credentials",
                        "idempotency_keys", "audit_log");
    }

    /** Rows a statement reached as the runtime role; "permission denied" reached none. Always rolled back. */
    private long affected(TransactionTemplate transactions, String sql, boolean query) {
        try {
            Long n = transactions.execute(tx -> {
                tx.setRollbackOnly();
                return query ? jdbc.sql(sql).query(Long.class).single() : (long) jdbc.sql(sql).update();
            });
            return n == null ? 0 : n;
        } catch (org.springframework.dao.DataAccessException e) {
            if (String.valueOf(e.getMostSpecificCause().getMessage()).contains("permission denied")) return 0;
            throw e;
        }
    }

    String appRole() {
        return "tollgate_app";
    }
}
