package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A wallet with exactly N credits, 250 concurrent clients on two Tollgate processes sharing one
 * database: this test's server (batched group commit) and a second JVM running one transaction per
 * call. Exactly N / cost calls may succeed; every other one is INSUFFICIENT_CREDITS; nothing goes
 * below zero, usage rows match, the ledger check passes.
 */
class TwoNodeConcurrencyTest extends ApiTest {
    private static final int CREDITS = 300;
    private static final int COST = 3;
    private static final int CLIENTS = 250;
    private static final int CALLS_PER_CLIENT = 2;

    @Autowired
    DataSource dataSource;

    @Test
    void exactlyNOverCostCallsSucceedAcrossTwoProcesses() throws Exception {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), CREDITS);
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "race", "pricing_type", "credit", "credit_cost", COST));
        String key = createKey(appId, Map.of("rate_limit", 1_000_000)).get("key").asString();

        Node nodeB = startSecondNode();
        try {
            int portB = nodeB.waitForHealth();
            Api onA = appClient(appId, key);
            Api onB = Api.at(portB).bearer(key).with("X-App-Id", appId);
            ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<int[]>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Api node = c % 2 == 0 ? onA : onB;
                results.add(clients.submit(() -> {
                    int[] counts = new int[2];
                    for (int i = 0; i < CALLS_PER_CLIENT; i++) {
                        Api.Res res = node.post("/api/v1/test-meter/race", null);
                        if (res.status() == 200) counts[0]++;
                        else if (res.status() == 402 && "INSUFFICIENT_CREDITS".equals(res.errorCode())) counts[1]++;
                        else throw new AssertionError("unexpected answer " + res);
                    }
                    return counts;
                }));
            }
            int ok = 0;
            int refused = 0;
            for (Future<int[]> result : results) {
                int[] counts = result.get(2, TimeUnit.MINUTES);
                ok += counts[0];
                refused += counts[1];
            }
            clients.shutdown();
            assertThat(ok).isEqualTo(CREDITS / COST);
            assertThat(refused).isEqualTo(CLIENTS * CALLS_PER_CLIENT - CREDITS / COST);
            assertThat(balance(wallet)).isZero();
            assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ? AND response_status = 200").param(appId)
                    .query(Long.class).single()).isEqualTo(ok);
            assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ? AND response_status = 402").param(appId)
                    .query(Long.class).single()).isEqualTo(refused);
            assertThat(jdbc.sql("SELECT coalesce(sum(amount), 0) FROM ledger_transfers WHERE debit_account = ? AND kind = 'spend'").param(wallet)
                    .query(Long.class).single()).isEqualTo((long) ok * COST);
            assertThat(admin.get("/api/external-apps/" + appId + "/usage").data().get("totals").get("credits_used").asLong())
                    .isEqualTo((long) ok * COST);
            assertLedgerConsistent();
        } finally {
            nodeB.stop();
        }
    }

    /** A second Tollgate JVM; its output goes to target/test-data/node-b.log. */
    private record Node(Process process, int port) {
        int waitForHealth() throws Exception {
            long deadline = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < deadline) {
                if (!process.isAlive()) throw new AssertionError("node B died; see target/test-data/node-b.log");
                try {
                    if (Api.at(port).get("/actuator/health").status() == 200) return port;
                } catch (IllegalStateException notListeningYet) {
                    Thread.sleep(250);
                }
            }
            throw new AssertionError("node B did not become healthy; see target/test-data/node-b.log");
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    private Node startSecondNode() throws Exception {
        String url = ((HikariDataSource) dataSource).getJdbcUrl();
        String pepper = Files.readString(Path.of("target/test-data/shared/secrets/key-pepper")).strip();
        // Surefire runs tests from a manifest-only jar; it also publishes the real test class path.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Path.of("target/test-data/node-b.log");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-cp", classpath, "io.tollgate.TollgateApplication",
                "--server.port=" + port, "--tollgate.data-dir=target/test-data/node-b", "--tollgate.demo=false",
                "--tollgate.database.url=" + url, "--tollgate.database.user=postgres", "--tollgate.keys.pepper=" + pepper,
                "--tollgate.operators.admin-token=" + ADMIN_TOKEN, "--tollgate.metering.batching=false")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Node(process, port);
    }
}
