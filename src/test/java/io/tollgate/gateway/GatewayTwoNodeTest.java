package io.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ForkedNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two Tollgate processes proxying at once for one wallet: this test's server and a second JVM on the same
 * database, hundreds of clients released together. Exactly what the credits allow reaches the upstream and is
 * charged; nothing is held afterwards; the ledger check passes.
 */
class GatewayTwoNodeTest extends GatewayTestSupport {
    private static ForkedNode nodeB;
    @Autowired
    DataSource dataSource;

    private Api nodeB(App app) throws Exception {
        if (nodeB == null) nodeB = ForkedNode.start("gateway-node-b", dataSource, List.of("-Xmx512m"), List.of());
        return Api.at(nodeB.waitForHealth()).bearer(app.key()).with("X-App-Id", app.id());
    }

    @AfterAll
    static void stopNodeB() throws InterruptedException {
        if (nodeB != null) nodeB.close();
    }

    /** Per node: calls answered 200 and calls refused 402. */
    private record Tally(int[] okOn, int[] refusedOn) {
        int ok() { return okOn[0] + okOn[1]; }
        int refused() { return refusedOn[0] + refusedOn[1]; }
    }

    private static Tally race(List<Api> nodes, int clients, String path) throws Exception {
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                Api node = nodes.get(c % 2);
                answers.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    Api.Res res = node.post(path, Map.of("prompt", "race"));
                    if (res.status() != 200 && !(res.status() == 402 && "INSUFFICIENT_CREDITS".equals(res.errorCode()))) {
                        throw new AssertionError("unexpected answer: " + res);
                    }
                    return res.status();
                }));
            }
            assertThat(ready.await(60, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            Tally tally = new Tally(new int[2], new int[2]);
            for (int c = 0; c < clients; c++) {
                int status = answers.get(c).get(2, TimeUnit.MINUTES);
                if (status == 200) tally.okOn()[c % 2]++;
                else tally.refusedOn()[c % 2]++;
            }
            return tally;
        }
    }

    @Test
    void perRequestCallsOnTwoNodesChargeExactlyWhatTheCreditsAllow() throws Exception {
        App app = app(150);
        // A connection per racing client, so none waits past the tests' short pool wait (busy is not what this test is about).
        settings(app, feature(app, "race", "/echo/race-" + app.id(), 1, Map.of()), Map.of("max_connections", 500));
        Tally tally = race(List.of(app.client(), nodeB(app)), 200, "/api/v1/gateway/race/go");
        assertThat(tally.ok()).isEqualTo(150);
        assertThat(tally.refused()).isEqualTo(50);
        assertThat(tally.okOn()[0]).as("this node's successes").isPositive();
        assertThat(tally.okOn()[1]).as("node B's successes").isPositive();
        assertThat(stub.under("/echo/race-" + app.id())).as("refused calls never reach the upstream").hasSize(150);
        awaitSettled(app, 200);
        assertThat(balance(app.organizationId())).isZero();
        assertThat(usage("SELECT count(*) FROM usage_events WHERE app_id = ? AND upstream_status = 200 AND credits_used = 1", app.id())).isEqualTo(150);
        assertThat(usage("SELECT count(*) FROM usage_events WHERE app_id = ? AND response_status = 402", app.id())).isEqualTo(50);
        // Every call's credit is one capture of its own hold.
        assertThat(usage("""
                SELECT coalesce(sum(t.amount), 0) FROM ledger_transfers t JOIN usage_events u ON u.transfer_reference = t.hold_id
                WHERE u.app_id = ? AND t.kind = 'capture'""", app.id())).isEqualTo(150);
        assertLedgerBalances();
    }

    @Test
    void unitsCallsOnTwoNodesCaptureWhatTheUpstreamReportedAndReleaseTheRest() throws Exception {
        App app = app(1000);
        String featureId = feature(app, "tokens", "/usage/3", 1, Map.of());
        settings(app, featureId, Map.of("pricing_mode", "units", "units_json_pointer", "/usage/total_tokens", "max_units", 10,
                "max_connections", 500));
        Tally tally = race(List.of(app.client(), nodeB(app)), 240, "/api/v1/gateway/tokens/v1/chat/completions");
        assertThat(tally.ok()).as("at most 100 reservations of 10 fit in 1000 at once; more once captures free credits").isGreaterThanOrEqualTo(100);
        assertThat(tally.okOn()[0]).isPositive();
        assertThat(tally.okOn()[1]).isPositive();
        awaitSettled(app, 240);
        assertThat(balance(app.organizationId())).as("3 credits per call that got through, nothing for refused ones").isEqualTo(1000 - 3L * tally.ok());
        assertThat(usage("SELECT coalesce(sum(credits_used), 0) FROM usage_events WHERE app_id = ?", app.id())).isEqualTo(3L * tally.ok());
        assertLedgerBalances();
    }
}
