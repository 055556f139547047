package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.Api;
import io.tollgate.platform.PostgresControl;
import io.tollgate.platform.ProxiedDatabaseTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A request that meets a connection whose backend was ended. This server's pool lends connections
 * unchecked (ProxiedDatabaseTest), so after the pool's backends are ended the next connection lent is
 * certainly dead; the watch connection lives on, so nothing else drops the pool's connections first.
 * A read runs once more on a fresh connection and answers 200; so does a request whose filter read an
 * admin token not cached yet (before any handler ran); a write is never answered 500. The same through
 * the tenant pool (row-level security), where a request is answered normally, read or write.
 */
class LostConnectionRetryTest extends ProxiedDatabaseTest {

    @Autowired
    DataSource dataSource;

    /**
     * Ends every other backend of the pool from one of its connections, held while {@code action} runs:
     * the pool is full, so it makes no new connection by itself, and every one it can lend is dead.
     */
    private void withThePoolsBackendsEnded(Runnable action) throws SQLException, InterruptedException {
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        for (int i = 0; i < 1200 && pool.getHikariPoolMXBean().getIdleConnections() < pool.getMaximumPoolSize(); i++) Thread.sleep(25);
        assertThat(pool.getHikariPoolMXBean().getIdleConnections()).as("a full pool, all idle").isEqualTo(pool.getMaximumPoolSize());
        try (Connection killer = dataSource.getConnection()) {
            assertThat(PostgresControl.terminate(JdbcClient.create(new SingleConnectionDataSource(killer, true)), "tollgate")).isPositive();
            action.run();
        }
    }

    /**
     * The same for the row-level-security pool (TenantRoutingDataSource's runtime pool, which serves a request
     * acting for an organization): every one of its backends ended, from an owner's connection, while the
     * system pool and the watch connection live on, so each connection the tenant pool lends is dead.
     * Checks afterwards that the tenant pool did lend again (new backends of it), so the request went that way.
     */
    private void withTheTenantPoolsBackendsEnded(Runnable action) throws SQLException, InterruptedException {
        HikariDataSource pool = dataSource.unwrap(TenantRoutingDataSource.class).runtimePool();
        assertThat(pool).isNotSameAs(dataSource.unwrap(TenantRoutingDataSource.class).systemPool()); // row-level security is on
        for (int i = 0; i < 1200 && pool.getHikariPoolMXBean().getIdleConnections() < pool.getMaximumPoolSize(); i++) Thread.sleep(25);
        assertThat(pool.getHikariPoolMXBean().getIdleConnections()).as("a full tenant pool, all idle").isEqualTo(pool.getMaximumPoolSize());
        JdbcClient owner = io.tollgate.OwnerDatabase.jdbc(dataSource);
        java.sql.Timestamp before = owner.sql("SELECT clock_timestamp()").query(java.sql.Timestamp.class).single();
        assertThat(PostgresControl.terminate(owner, DirectConnections.APP_POOL)).isEqualTo(pool.getMaximumPoolSize());
        action.run();
        assertThat(owner.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND backend_start > ?")
                .params(DirectConnections.APP_POOL, before).query(Long.class).single()).as("the tenant pool lent fresh connections").isPositive();
    }

    /**
     * A request acting for an organization meets the tenant pool's dead connections. Each connection it lends
     * gets the tenant set first, so that statement is the first to meet a dead one, before the request did
     * anything: the connection is dropped and another taken. A read and a write alike are answered normally.
     */
    @Test
    void aRequestServedThroughTheTenantPoolMeetingADeadConnectionIsAnsweredNormally() throws SQLException, InterruptedException {
        String appId = createApp();
        activateCatalogApp(appId, "vto-001");
        Api client = appClient(appId);
        assertThat(client.get("/api/v1/customer/apps").status()).isEqualTo(200); // the key is cached: no read before the handler
        withTheTenantPoolsBackendsEnded(() -> {
            Api.Res read = client.get("/api/v1/customer/apps");
            assertThat(read.status()).as(read.toString()).isEqualTo(200);
        });
        withTheTenantPoolsBackendsEnded(() -> {
            Api.Res write = client.post("/api/v1/customer/apps/vto-001/deactivate", Map.of());
            assertThat(write.status()).as(write.toString()).isEqualTo(200);
            assertThat(write.data().get("status").asString()).isEqualTo("inactive");
        });
    }

    @Test
    void aReadMeetingADeadConnectionRunsOnceMore() throws SQLException, InterruptedException {
        String org = createOrganization();
        withThePoolsBackendsEnded(() -> {
            Api.Res read = admin.get("/api/admin/organizations/" + org);
            assertThat(read.status()).as(read.toString()).isEqualTo(200);
        });
    }

    @Test
    void aFilterMeetingADeadConnectionRunsOnceMoreWhateverTheMethod() throws SQLException, InterruptedException {
        Api.Res created = admin.post("/api/admin/tokens", Map.of("name", "retry", "role", "admin"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Api fresh = anonymous.bearer(created.data().get("token").asString()); // not cached: the filter reads it
        withThePoolsBackendsEnded(() -> {
            Api.Res res = fresh.post("/api/admin/organizations", Map.of("name", "Via a fresh token"));
            assertThat(res.status()).as(res.toString()).isEqualTo(201);
        });
    }

    /**
     * A write is not run again (it may have done something). Whether it meets a dead connection depends
     * on whether a background job (the media poller, the last-used flush) met one first and the pool
     * dropped them all: so 201 or 503 with Retry-After, never 500. DatabaseErrorsTest pins the 503.
     */
    @Test
    void aWriteMeetingADeadConnectionIsNever500() throws SQLException, InterruptedException {
        admin.get("/api/admin/organizations"); // the admin token is cached: no read before the handler
        withThePoolsBackendsEnded(() -> {
            Api.Res res = admin.post("/api/admin/organizations", Map.of("name", "After the backends ended"));
            assertThat(res.status()).as(res.toString()).isIn(201, 503);
            if (res.status() == 503) {
                assertThat(res.errorCode()).isEqualTo("DATABASE_UNAVAILABLE");
                assertThat(res.header("Retry-After")).isEqualTo("2");
            }
        });
        // The pool has dropped its dead connections by now: the next write goes through.
        assertThat(admin.post("/api/admin/organizations", Map.of("name", "Next")).status()).isEqualTo(201);
    }

    /**
     * The retry of a credential read happens at the read, never by running the filter chain again: a servlet
     * filter chain cannot be restarted, and running "the rest of it" again once skipped the security chain,
     * so a request whose (unknown) token met a dead connection was served unauthenticated.
     */
    @Test
    void aTokenNobodyIssuedIsRefusedAlsoWhenItsReadMeetsADeadConnection() throws SQLException, InterruptedException {
        Api stranger = anonymous.bearer("not-a-token-anyone-issued-" + System.nanoTime());
        withThePoolsBackendsEnded(() -> {
            Api.Res res = stranger.post("/api/admin/organizations", Map.of("name", "Never created"));
            assertThat(res.status()).as(res.toString()).isIn(401, 503);
        });
        assertThat(jdbc.sql("SELECT count(*) FROM organizations WHERE name = 'Never created'").query(Long.class).single()).isZero();
    }
}
