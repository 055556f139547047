package io.tollgate.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.platform.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * GET /api/admin/ledger/check while grants, spends, holds, captures and releases commit all the time:
 * it reads everything in one snapshot, so it never reports a problem that is not there.
 */
class LedgerCheckUnderLoadTest extends ApiTest {
    private static final int WORKERS = 4;
    @Autowired
    Wallets wallets;
    @Autowired
    Grants grants;
    @Autowired
    Holds holds;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void theCheckIsAlwaysOkWhileMoneyMoves() throws Exception {
        List<String> wallets = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) wallets.add(fundOrganization(createOrganization(), 1_000_000));
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Integer>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(WORKERS)) {
            for (String wallet : wallets) workers.add(pool.submit(() -> move(wallet, stop)));
            int checks = 0;
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                while (System.nanoTime() < deadline || checks < 20) {
                    Api.Res check = admin.get("/api/admin/ledger/check");
                    assertThat(check.status()).isEqualTo(200);
                    assertThat(check.data().get("ok").asBoolean()).as("check %d: %s", checks, check).isTrue();
                    checks++;
                }
            } finally {
                stop.set(true);
            }
            int moves = 0;
            for (Future<Integer> worker : workers) moves += worker.get(30, TimeUnit.SECONDS);
            assertThat(moves).as("money really moved during the checks").isGreaterThan(checks);
        }
    }

    /** Hold, then capture part or release; spend; grant. Until told to stop; returns how many transactions it made. */
    private int move(String wallet, AtomicBoolean stop) {
        int moves = 0;
        for (int i = 0; !stop.get(); i++) {
            String holdId = Ids.next("hld");
            transactions.executeWithoutResult(tx -> {
                LedgerSession session = wallets.lock(List.of(wallet));
                session.stage(Posting.hold(wallet, 5, "load", holdId, Instant.now().plus(Duration.ofMinutes(5))));
                session.stage(Posting.spend(wallet, 1, "load"));
                session.finish();
            });
            if (i % 2 == 0) holds.capture(holdId, 3);
            else holds.release(holdId);
            if (i % 5 == 0) grants.grant(wallet, 7, "load", null, null);
            moves += i % 5 == 0 ? 3 : 2;
            // Enough to commit between any two statements of a check, without flooding the shared database.
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return moves;
            }
        }
        return moves;
    }
}
