package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.ForkedNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Several Tollgate processes on one database, hundreds of clients released at once: this test's
 * server A (batched group commit), node B (a second JVM, one transaction per call) and node C (a
 * third JVM, batched too). Each race lets more calls succeed than one node alone could make, so both
 * nodes must have won some: they really contended for the same wallet or counter. Exactly as many
 * succeed as the credits or the allowance allow; nothing goes below zero; usage rows match; the
 * ledger check passes.
 */
class TwoNodeConcurrencyTest extends ApiTest {
    private static ForkedNode nodeB;
    private static ForkedNode nodeC;

    @Autowired
    DataSource dataSource;

    /** Per node: answers that succeeded, and answers refused with the expected code. */
    private record Tally(int[] okOn, int[] refusedOn) {
        int ok() { return okOn[0] + okOn[1]; }
        int refused() { return refusedOn[0] + refusedOn[1]; }
    }

    /** 200 clients, one seed 001 token consumption each, half on each node; 450 tokens: 150 may succeed. */
    private void tokensRace(Api onOther) throws Exception {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 450);
        activateCatalogApp(appId, "vto-001");
        String key = createKey(appId, Map.of("rate_limit", 1_000_000)).get("key").asString();
        Api a = appClient(appId, key);
        Api other = onOther.bearer(key).with("X-App-Id", appId);
        Tally tally = race(List.of(a, other), 200, 1,
                node -> node.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 3, "session_id", "race")),
                200, res -> res.status() == 402 && "INSUFFICIENT_CREDITS".equals(res.errorCode()));
        assertThat(tally.ok()).isEqualTo(150);
        assertThat(tally.refused()).isEqualTo(50);
        assertThat(tally.okOn()[0]).as("node A's successes").isPositive();
        assertThat(tally.okOn()[1]).as("the other node's successes").isPositive();
        assertThat(balance(wallet)).isZero();
        assertThat(count("SELECT count(*) FROM usage_events WHERE app_id = ? AND response_status = 200", appId)).isEqualTo(150);
        assertThat(count("SELECT count(*) FROM usage_events WHERE app_id = ? AND response_status = 402", appId)).isEqualTo(50);
        assertThat(jdbc.sql("SELECT coalesce(sum(amount), 0) FROM ledger_transfers WHERE debit_account = ? AND kind = 'spend'").param(wallet)
                .query(Long.class).single()).isEqualTo(450);
        Api.Res usage = a.get("/api/v1/customer/tokens/usage");
        assertThat(usage.data().get("usage_by_app").get(0).get("tokens_consumed").asLong()).as(usage.toString()).isEqualTo(450);
        assertThat(usage.data().get("purchased_tokens").get("tokens_used").asLong()).isEqualTo(450);
        assertLedgerConsistent();
    }

    @Test
    void creditsAcrossABatchingAndAPerCallNode() throws Exception {
        tokensRace(nodes()[0]);
    }

    @Test
    void creditsAcrossTwoBatchingNodes() throws Exception {
        tokensRace(nodes()[1]);
    }

    /** A free allowance of 300 a month, 250 clients × 2 content views on each of two nodes: exactly 300 views are free. */
    @Test
    void aFreeAllowanceCounterAcrossNodes() throws Exception {
        String appId = createApp();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "content_view", "pricing_type", "free",
                "free_tier_limit", 300, "free_tier_period", "month"));
        String item = admin.post("/api/external-apps/" + appId + "/content", Map.of("title", "Clip", "type", "video",
                "url", "https://cdn.example/clip.mp4", "status", "published")).data().get("id").asString();
        String key = createKey(appId, Map.of("rate_limit", 1_000_000)).get("key").asString();
        Api a = appClient(appId, key);
        Api b = nodes()[0].bearer(key).with("X-App-Id", appId);
        Tally tally = race(List.of(a, b), 250, 2, node -> node.post("/api/v1/content/" + item + "/view", null),
                200, res -> res.status() == 429 && "QUOTA_EXCEEDED".equals(res.errorCode()));
        assertThat(tally.ok()).isEqualTo(300);
        assertThat(tally.refused()).isEqualTo(200);
        assertThat(tally.okOn()[0]).as("node A's successes").isPositive();
        assertThat(tally.okOn()[1]).as("node B's successes").isPositive();
        assertThat(jdbc.sql("SELECT sum(used) FROM meter_counters WHERE payer_id = ? AND bucket LIKE 'free:content_view:%'")
                .param(organizationOf(appId)).query(Long.class).single()).isEqualTo(300);
        assertThat(count("SELECT count(*) FROM usage_events WHERE app_id = ? AND pricing = 'free_tier'", appId)).isEqualTo(300);
        assertThat(count("SELECT count(*) FROM usage_events WHERE app_id = ? AND response_status = 429", appId)).isEqualTo(200);
    }

    /**
     * Runs {@code clients} clients, alternating between the nodes, each making {@code calls} calls once
     * all are ready; every answer must be a success or the expected refusal.
     */
    private static Tally race(List<Api> nodes, int clients, int calls, Function<Api, Api.Res> call, int okStatus,
                              Predicate<Api.Res> expectedRefusal) throws Exception {
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<int[]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int node = c % nodes.size();
                results.add(pool.submit(() -> {
                    int[] counts = new int[2];
                    ready.countDown();
                    go.await();
                    for (int i = 0; i < calls; i++) {
                        Api.Res res = call.apply(nodes.get(node));
                        if (res.status() == okStatus) counts[0]++;
                        else if (expectedRefusal.test(res)) counts[1]++;
                        else throw new AssertionError("unexpected answer from node " + node + ": " + res);
                    }
                    return counts;
                }));
            }
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("all clients ready").isTrue();
            go.countDown();
            Tally tally = new Tally(new int[2], new int[2]);
            for (int c = 0; c < clients; c++) {
                int[] counts = results.get(c).get(2, TimeUnit.MINUTES);
                tally.okOn()[c % nodes.size()] += counts[0];
                tally.refusedOn()[c % nodes.size()] += counts[1];
            }
            return tally;
        }
    }

    private long count(String sql, String appId) {
        return jdbc.sql(sql).param(appId).query(Long.class).single();
    }

    /** Node B (one transaction per call) and node C (batching), started together on first use, once for the class. */
    private Api[] nodes() throws Exception {
        if (nodeB == null) {
            nodeB = startNode("node-b", false);
            nodeC = startNode("node-c", true);
        }
        return new Api[] {Api.at(nodeB.waitForHealth()), Api.at(nodeC.waitForHealth())};
    }

    @AfterAll
    static void stopNodes() throws InterruptedException {
        if (nodeB != null) nodeB.close();
        if (nodeC != null) nodeC.close();
    }

    private ForkedNode startNode(String name, boolean batching) throws Exception {
        return ForkedNode.start(name, dataSource, List.of("-Xmx512m"), List.of("--tollgate.metering.batching=" + batching,
                // Node A keeps seed 001's token_consumption burst of 100 (each race sends it 100); the others need no limit.
                "--tollgate.limits.token-consumption.per-hour=1000000", "--tollgate.limits.token-consumption.burst=1000000"));
    }
}
