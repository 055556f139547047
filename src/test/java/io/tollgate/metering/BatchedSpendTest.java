package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Group commit posts each batch's spends from one wallet as one ledger transfer. Whatever the batches
 * were, every paid call names its transfer, each transfer's amount is exactly the credits of the calls
 * that name it, and no call is paid twice or left unpaid.
 */
class BatchedSpendTest extends ApiTest {
    private static final int CALLS = 90; // under the token-consumption class burst of 100 (seed 001)

    @Test
    void eachBatchPaysItsCallsInOneTransferThatAddsUp() throws Exception {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 10_000);
        activateCatalogApp(appId, "vto-001");
        Api client = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLS; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 3)).status();
                }));
            }
            start.countDown();
            for (Future<Integer> answer : answers) assertThat(answer.get()).isEqualTo(200);
        }

        assertThat(balance(wallet)).isEqualTo(10_000 - 3L * CALLS);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ? AND credits_used = 3 AND transfer_reference IS NOT NULL")
                .param(appId).query(Long.class).single()).isEqualTo(CALLS);
        // Per transfer: the calls naming it add up to its amount, and each reference has exactly one spend transfer.
        List<long[]> perTransfer = jdbc.sql("""
                SELECT t.amount, (SELECT sum(credits_used) FROM usage_events u WHERE u.transfer_reference = t.reference AND u.app_id = ?),
                       (SELECT count(*) FROM ledger_transfers o WHERE o.reference = t.reference AND o.kind = 'spend')
                FROM ledger_transfers t WHERE t.debit_account = ? AND t.kind = 'spend'""")
                .params(appId, wallet).query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}).list();
        perTransfer.forEach(t -> {
            assertThat(t[1]).as("credits of the calls naming the transfer").isEqualTo(t[0]);
            assertThat(t[2]).as("spend transfers with that reference").isEqualTo(1);
        });
        assertThat(perTransfer.stream().mapToLong(t -> t[0]).sum()).isEqualTo(3L * CALLS);
        // 90 calls released together cannot all have been alone in their batch.
        assertThat(perTransfer.size()).isLessThan(CALLS);
        assertLedgerConsistent();
    }
}
