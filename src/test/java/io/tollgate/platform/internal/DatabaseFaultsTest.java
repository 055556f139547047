package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.Api;
import io.tollgate.platform.FaultRun;
import io.tollgate.platform.FaultyDatabaseTest;
import io.tollgate.platform.PostgresControl;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 18 and issue 11 point 4 against a real PostgreSQL whose backends are ended with
 * pg_terminate_backend and which is stopped and started: no 500 from a lost connection (reads run
 * again, the rest is 503 DATABASE_UNAVAILABLE with Retry-After), the pool heals, readiness follows the
 * database, a node started without its database waits for it, a node whose LISTEN connection was ended
 * still refuses a revoked key within a second, and under a mixed load on two nodes with every backend
 * ended three times and a restart, nothing acknowledged is lost and nothing is doubled. The recovery
 * targets are asserted as issue 18 sets them, with no slack: serving normally within 2 s of every
 * backend ended, within 5 s of PostgreSQL accepting connections again after a restart (bench/faults.sh
 * checks the same under heavier load).
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseFaultsTest extends FaultyDatabaseTest {
    private static final Map<String, Object> CONSUME = Map.of("app_id", "vto-001", "tokens_consumed", 1);
    private static ConfigurableApplicationContext nodeB;

    private record Payer(String appId, String wallet, String key, String keyId, Api client) {}

    private Payer payer(long credits) {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), credits);
        activateCatalogApp(appId, "vto-001");
        var key = createKey(appId, Map.of("rate_limit", 10_000_000));
        return new Payer(appId, wallet, key.get("key").asString(), key.get("id").asString(), appClient(appId, key.get("key").asString()));
    }

    private ConfigurableApplicationContext nodeB() throws Exception {
        if (nodeB == null) nodeB = startNode("db-faults-b");
        return nodeB;
    }

    @AfterAll
    static void stopNodeB() {
        if (nodeB != null) nodeB.close();
    }

    private static void assertUnavailable(Api.Res res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(503);
        assertThat(res.json().get("success").asBoolean()).isFalse();
        assertThat(res.errorCode()).as(res.toString()).isIn("DATABASE_UNAVAILABLE", "METERING_UNAVAILABLE");
        assertThat(res.header("Retry-After")).as(res.toString()).isNotNull();
        assertThat(res.text()).doesNotContain("Exception").doesNotContain("at io.tollgate");
    }

    /**
     * From {@code startNanos}, polls {@code call} every 20 ms until it answers 200, for at most {@code targetMillis}
     * from then; every answer before must be a 503 in the envelope (never a 500, never a hang past the target).
     * Returns the 200, or fails naming how long it took.
     */
    private static Api.Res servesWithin(long startNanos, long targetMillis, String what, Supplier<Api.Res> call) throws InterruptedException {
        long deadline = startNanos + targetMillis * 1_000_000;
        while (true) {
            Api.Res res = call.get();
            long tookMillis = (System.nanoTime() - startNanos) / 1_000_000;
            assertThat(tookMillis).as(what + " answered " + res.status() + " after " + tookMillis + " ms; target " + targetMillis + " ms")
                    .isLessThanOrEqualTo(targetMillis);
            if (res.status() == 200) return res;
            assertUnavailable(res);
            if (System.nanoTime() - deadline >= 0) throw new AssertionError(what + " not serving within " + targetMillis + " ms: " + res);
            Thread.sleep(20);
        }
    }

    /**
     * The three kinds of request a node must serve normally again after a fault, each polled until 200 from
     * {@code startNanos}, all within {@code targetMillis} of it: an admin read, the key check (the key cache
     * was dropped with the watch connection, so this reads the key again) and a metered call (its
     * Idempotency-Key makes polling it charge once at most). Returns ms from the start to the last 200.
     */
    private long servesNormallyWithin(long startNanos, long targetMillis, Payer p, String round) throws InterruptedException {
        servesWithin(startNanos, targetMillis, "admin read", () -> admin.get("/api/admin/wallets/" + p.wallet()));
        servesWithin(startNanos, targetMillis, "key check", () -> p.client().get("/api/v1/app"));
        Api metered = p.client().with("Idempotency-Key", "serves-again-" + round);
        servesWithin(startNanos, targetMillis, "metered call", () -> metered.post("/api/v1/customer/tokens/consume", CONSUME));
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private String ownerUrl() {
        return io.tollgate.OwnerDatabase.pool(dataSource).getJdbcUrl();
    }

    /**
     * Every Tollgate backend ended (the system pool's, the row-level-security pool's, the watch connection),
     * three times; none survives. The caches fed by notifications are dropped with the watch connection,
     * so the next request reads keys and tokens again. Within 2 s of each kill the node serves an admin
     * read, a key check and a metered call normally (a read that met a dead connection ran again on a
     * fresh one, the writer's batch is retried); a write is 201 or 503, never 500. Charged exactly once per 200.
     */
    @Test
    void everyBackendEndedThreeTimesAndTheNodeServesOn() throws Exception {
        Payer p = payer(1_000);
        assertThat(p.client().post("/api/v1/customer/tokens/consume", CONSUME).status()).isEqualTo(200);
        long charged = 1;
        for (int round = 0; round < 3; round++) {
            int[] killed = FaultRun.killEveryTollgateBackend(ownerUrl());
            long killedAt = System.nanoTime();
            assertThat(killed[0]).as("backends ended").isPositive();
            assertThat(killed[1]).as("Tollgate backends the kill left (not on the list of names)").isZero();
            long took = servesNormallyWithin(killedAt, FaultRun.KILL_TARGET_MILLIS, p, "kill-" + round);
            System.out.printf("Serving normally again %d ms after every backend was ended%n", took);
            charged++;
            Api.Res write = admin.post("/api/admin/organizations", Map.of("name", "After kill " + round));
            if (write.status() != 201) assertUnavailable(write);
        }
        assertThat(balance(p.wallet())).isEqualTo(1_000 - charged);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(p.appId()).query(Long.class).single())
                .isEqualTo(charged);
        assertLedgerConsistent();
    }

    /**
     * PostgreSQL stopped: readiness goes DOWN (liveness stays UP), reads, writes, metered calls and key
     * checks are answered 503 DATABASE_UNAVAILABLE at once with Retry-After, never 500 and never a hang;
     * started again: within 5 s of PostgreSQL accepting connections everything serves normally, and
     * readiness is UP, with no restart of the node.
     */
    @Test
    void whilePostgresIsDownRequestsGet503AndReadinessIsDownThenItServesAgain() throws Exception {
        Payer p = payer(1_000);
        assertThat(p.client().get("/api/v1/app").status()).isEqualTo(200);
        assertThat(p.client().post("/api/v1/customer/tokens/consume", CONSUME).status()).isEqualTo(200);
        PostgresControl postgres = postgres();
        postgres.stop();
        try {
            awaitReadiness(port, 503);
            assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
            assertUnavailable(admin.get("/api/admin/wallets/" + p.wallet()));
            assertUnavailable(admin.post("/api/admin/organizations", Map.of("name", "While down")));
            // The key cache was dropped with the watch connection (a revocation could be missed while it is
            // away), so the key check itself needs the database: even the no-op is 503 now.
            assertUnavailable(p.client().get("/api/v1/app"));
            assertUnavailable(p.client().post("/api/v1/customer/tokens/consume", CONSUME));
        } finally {
            postgres.start(); // returns once PostgreSQL accepts connections
        }
        long acceptingAt = System.nanoTime();
        long took = servesNormallyWithin(acceptingAt, FaultRun.RESTART_TARGET_MILLIS, p, "restart");
        System.out.printf("Serving normally again %d ms after PostgreSQL accepted connections%n", took);
        assertThat(Api.at(port).get("/actuator/health/readiness").status()).as("readiness UP once serving").isEqualTo(200);
        assertThat(balance(p.wallet())).isEqualTo(998);
        assertLedgerConsistent();
    }

    /** A node started while its database is down waits with a clear log line, then starts when it comes up. */
    @Test
    void aNodeStartedWhileTheDatabaseIsDownWaitsForIt(CapturedOutput output) throws Exception {
        PostgresControl postgres = postgres();
        postgres.stop();
        CompletableFuture<ConfigurableApplicationContext> nodeC;
        try {
            nodeC = CompletableFuture.supplyAsync(() -> {
                try {
                    return startNode("db-faults-c");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 1200 && !output.getAll().contains("Waiting for PostgreSQL at"); i++) Thread.sleep(50);
            assertThat(output.getAll()).contains("Waiting for PostgreSQL at").contains("not reachable yet");
            assertThat(nodeC).isNotDone();
        } finally {
            postgres.start();
        }
        try (ConfigurableApplicationContext node = nodeC.get(3, TimeUnit.MINUTES)) {
            assertThat(Api.at(port(node)).bearer(ADMIN_TOKEN).get("/api/admin/organizations").status()).isEqualTo(200);
        }
        awaitReadiness(port, 200);
    }

    /**
     * Issue 11 point 4: node B's LISTEN connection is ended (pg_terminate_backend), then a key is revoked
     * through node A. Node B missed the notification, but dropped its caches when it lost the connection
     * (and again when it reconnected), so within a second it refuses the key.
     */
    @Test
    void aRevokedKeyIsRefusedByANodeWhoseListenConnectionWasEnded() throws Exception {
        ConfigurableApplicationContext b = nodeB();
        Payer p = payer(0);
        Api onB = Api.at(port(b)).bearer(p.key()).with("X-App-Id", p.appId());
        assertThat(onB.get("/api/v1/app").status()).isEqualTo(200);
        for (int i = 0; i < 600 && b.getBean(DatabaseWatch.class).backendPid() == 0; i++) Thread.sleep(50);
        int listener = b.getBean(DatabaseWatch.class).backendPid();
        assertThat(listener).isPositive();
        assertThat(jdbc.sql("SELECT pg_terminate_backend(?)").param(listener).query(Boolean.class).single()).isTrue();

        assertThat(admin.delete("/api/external-apps/" + p.appId() + "/api-keys/" + p.keyId()).status()).isBetween(200, 299);
        long deadline = System.currentTimeMillis() + 1_000;
        int status = 200;
        while (System.currentTimeMillis() < deadline && (status = onB.get("/api/v1/app").status()) == 200) Thread.sleep(20);
        assertThat(status).isEqualTo(401);
        for (int i = 0; i < 200 && b.getBean(DatabaseWatch.class).backendPid() == 0; i++) Thread.sleep(25);
        assertThat(b.getBean(DatabaseWatch.class).backendPid()).as("node B listens again").isPositive().isNotEqualTo(listener);
    }

    /**
     * Issue 18 point 3: a steady mixed load on two nodes (no-op, tokens/consume with and without
     * Idempotency-Key, admin reads); every Tollgate backend ended three times, then PostgreSQL restarted.
     * Every 200 of a metered call has its usage row, exactly once; nothing told "not made" was charged;
     * the ledger agrees with the usage; the only answers are 200 and 503 with Retry-After.
     */
    @Test
    void nothingLostNothingDoubledUnderMixedLoadOnTwoNodesWithKillsAndARestart() throws Exception {
        ConfigurableApplicationContext b = nodeB();
        Payer p = payer(100_000_000);
        FaultRun.Target target = new FaultRun.Target(List.of("http://localhost:" + port, "http://localhost:" + port(b)), p.key(),
                p.appId(), ADMIN_TOKEN, p.wallet());
        // The bench's run (bench/faults.sh), shorter: faults at 20, 35, 50 % (kills) and 65 % (a restart).
        FaultRun.Outcome outcome = FaultRun.runWithFaults(target, 16, 15, 2, io.tollgate.OwnerDatabase.pool(dataSource).getJdbcUrl());
        List<FaultRun.Call> calls = outcome.calls();
        System.out.println("Faults: " + outcome.faults());
        assertThat(outcome.faults()).hasSize(4);
        assertThat(outcome.faults().subList(0, 3)).allSatisfy(f -> {
            assertThat(f.backendsEnded()).as("Tollgate backends ended").isPositive();
            assertThat(f.survivors()).as("Tollgate backends the kill left (not on the list of names)").isZero();
        });
        // The targets of issue 18, measured from the kill / from PostgreSQL accepting connections again.
        assertThat(outcome.faults()).allSatisfy(f -> assertThat(f.withinTarget()).as("both nodes served within the target: " + f).isTrue());
        FaultRun.Verdict verdict;
        try (Connection db = dataSource.getConnection()) {
            verdict = FaultRun.verify(db, p.appId(), p.wallet(), calls);
        }
        System.out.println("Fault run: " + verdict.json());
        assertThat(verdict.exact()).as(verdict.json()).isTrue();
        assertThat(verdict.consumeOk()).as("metered calls answered 200").isPositive();
        assertThat(calls.stream().filter(c -> c.status() == 200).map(FaultRun.Call::node).distinct().count()).as("both nodes served")
                .isEqualTo(2);
        assertLedgerConsistent();
    }
}
