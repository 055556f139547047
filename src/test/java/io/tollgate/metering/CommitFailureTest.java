package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.platform.ProxiedDatabaseTest;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A metering batch whose COMMIT meets a real fault is never applied twice and never lost: one that
 * landed is answered as decided, one that did not is decided again. The faults are real: the batch's
 * backend ended by pg_terminate_backend, its TCP connection closed after the COMMIT went out (the
 * answer lost), or silenced both ways as in a partition, which only the writer's network timeout and
 * the ending of the orphaned backend get out of. Also: the batch's lock and statement timeouts, and a
 * lock held elsewhere gets the caller a 503 instead of a hang.
 */
class CommitFailureTest extends ProxiedDatabaseTest {
    private static final Map<String, Object> CONSUME_TWO = Map.of("app_id", "vto-001", "tokens_consumed", 2);
    @Autowired
    DataSource dataSource;
    @Autowired
    MeterWriter writer;

    @BeforeEach
    void proxyForTheProbe() {
        WriterFaultProbeController.proxy = proxy;
    }

    /** An app with a key no rate limit gets in the way of, its organization's funded wallet, and vto-001 activated. */
    private record Payer(String appId, String wallet, Api client) {}

    private Payer payer(long credits) {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), credits);
        Api client = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        activateCatalogApp(appId, "vto-001");
        return new Payer(appId, wallet, client);
    }

    private void exactlyOnce(String fault) {
        Payer payer = payer(10);
        String appId = payer.appId();
        String wallet = payer.wallet();
        Api.Res res = payer.client().post("/api/v1/test-commit-failure/" + fault + "?call=" + UUID.randomUUID(), Map.of());
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.data().get("credits_remaining").asLong()).isEqualTo(9);
        assertThat(balance(wallet)).isEqualTo(9);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_transfers WHERE debit_account = ? AND kind = 'spend'").param(wallet)
                .query(Long.class).single()).isEqualTo(1);
        assertLedgerConsistent();
    }

    /** The backend is gone before the COMMIT arrives: nothing landed, the batch is decided again. */
    @Test
    void aBatchWhoseBackendWasTerminatedBeforeItsCommitIsDecidedAgain() {
        exactlyOnce("terminate");
    }

    /** PostgreSQL committed, the answer was lost with the connection: answered as decided, not applied again. */
    @Test
    void aBatchThatCommittedButLostItsAnswerIsNotAppliedAgain() {
        exactlyOnce("lose-answer");
    }

    /**
     * The connection goes silent with the COMMIT unsent, and PostgreSQL keeps the batch's backend idle in
     * its transaction, holding the marker and the wallet's row lock. The writer's network timeout notices;
     * the probe ends that backend (its pid and xid), learns nothing landed, and the batch is decided again.
     */
    @Test
    void aBatchWhoseConnectionWentSilentIsSettledWithoutWaitingForPostgresToNotice() {
        exactlyOnce("silence");
    }

    /**
     * The case behind the extra debit of issue 18: a batch of several calls whose COMMIT landed but whose
     * answer was lost while every other connection of the pool died too. The writer must still learn that
     * the batch committed (asking again on fresh connections) and answer it as decided; deciding its calls
     * again one by one, as it once did when it could not tell, would charge every call without an
     * Idempotency-Key twice.
     */
    @Test
    void aBatchWhoseAnswerWasLostWhileEveryConnectionDiedIsChargedOnce() throws Exception {
        batchChargedOnce("lose-answer-kill-others", 4);
    }

    /**
     * A batch of several calls whose backend was ended just before its COMMIT: nothing of it landed (its
     * marker says so), so the whole batch is decided again, and every call is answered 200 and charged once.
     */
    @Test
    void aBatchOfSeveralCallsWhoseBackendWasTerminatedBeforeItsCommitIsDecidedAgainOnce() throws Exception {
        batchChargedOnce("terminate", 3);
    }

    /**
     * The probe call meeting {@code fault} and {@code consumes} calls of two tokens, all in one batch: each is
     * answered 200 and charged exactly once (one usage row per request, the wallet down by what they cost).
     */
    private void batchChargedOnce(String fault, int consumes) throws Exception {
        Payer payer = payer(100);
        List<Supplier<Api.Res>> calls = new ArrayList<>();
        calls.add(() -> payer.client().post("/api/v1/test-commit-failure/" + fault + "?call=" + UUID.randomUUID(), Map.of()));
        for (int i = 0; i < consumes; i++) calls.add(() -> payer.client().post("/api/v1/customer/tokens/consume", CONSUME_TWO));
        for (CompletableFuture<Api.Res> answer : inOneBatch(calls)) {
            Api.Res res = answer.get(90, TimeUnit.SECONDS);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
        }
        assertThat(balance(payer.wallet())).isEqualTo(100 - 1 - consumes * 2);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(payer.appId()).query(Long.class).single())
                .isEqualTo(consumes + 1);
        assertThat(usageRowsPerRequest(payer.appId())).hasSize(consumes + 1).allSatisfy((request, rows) -> assertThat(rows).as(request).isEqualTo(1));
        assertLedgerConsistent();
    }

    /**
     * Issue 18: a batch of several calls whose COMMIT landed but whose answer was lost, and whose marker then
     * cannot be read in time (another transaction holds it): the writer cannot tell whether the batch
     * committed. Its guard (MeterWriter: a batch the database may have taken is never decided again call by
     * call) answers every call 503 "outcome unknown", and nothing is charged twice: each call is in the
     * ledger exactly once, as the batch committed it. A call with an Idempotency-Key, sent again, gets its
     * real answer (200, from the batch) without a second charge. Takes the commit check's full 30 s.
     */
    @Test
    void aBatchOfSeveralCallsWhoseCommitOutcomeStaysUnknownIsAnswered503AndNeverDecidedAgain() throws Exception {
        Payer payer = payer(100);
        String appId = payer.appId();
        String wallet = payer.wallet();
        Api client = payer.client();
        WriterFaultProbeController.holdFailure = null;
        String keyed = "unsettled-" + UUID.randomUUID();
        List<Supplier<Api.Res>> calls = new ArrayList<>();
        // Answered when the callers' wait (30 s) is up: longer than the test client's usual timeout.
        String consume = "/api/v1/customer/tokens/consume";
        calls.add(() -> client.send("POST", "/api/v1/test-commit-failure/lose-answer-unsettled?call=" + UUID.randomUUID(), Map.of(), Api.SLOW));
        calls.add(() -> client.send("POST", consume, CONSUME_TWO, Api.SLOW));
        calls.add(() -> client.send("POST", consume, CONSUME_TWO, Api.SLOW));
        calls.add(() -> client.with("Idempotency-Key", keyed).send("POST", consume, CONSUME_TWO, Api.SLOW));
        try {
            for (CompletableFuture<Api.Res> answer : inOneBatch(calls)) {
                Api.Res res = answer.get(120, TimeUnit.SECONDS);
                assertThat(res.status()).as(res.toString()).isEqualTo(503);
                assertThat(res.errorCode()).isEqualTo("METERING_UNAVAILABLE");
                assertThat(res.json().get("error").get("details").get("outcome").asString()).isEqualTo("unknown");
                assertThat(res.header("Retry-After")).isNotNull();
            }
            assertThat(WriterFaultProbeController.holdFailure).as("the marker was held").isNull();
            // The writer takes this one only once it is done with the batch, whatever it did with it.
            Api.Res next = client.send("POST", consume, CONSUME_TWO, Api.SLOW);
            assertThat(next.status()).as(next.toString()).isEqualTo(200);
        } finally {
            WriterFaultProbeController.releaseMarker();
        }
        assertThat(usageRowsPerRequest(appId)).as("the batch's four calls, once each, and the next call").hasSize(5)
                .allSatisfy((request, rows) -> assertThat(rows).as(request).isEqualTo(1));
        assertThat(balance(wallet)).isEqualTo(100 - 1 - 3 * 2 - 2);
        Api.Res again = client.with("Idempotency-Key", keyed).post("/api/v1/customer/tokens/consume", CONSUME_TWO);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(balance(wallet)).as("the replay charged nothing").isEqualTo(100 - 1 - 3 * 2 - 2);
        assertLedgerConsistent();
    }

    private Map<String, Long> usageRowsPerRequest(String appId) {
        return jdbc.sql("SELECT request_id, count(*) FROM usage_events WHERE app_id = ? GROUP BY request_id").param(appId)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Sends {@code calls} while the writer is held before it takes the queue, so they all land in one batch;
     * releases it once all are queued. Returns their answers to come, in order.
     */
    private List<CompletableFuture<Api.Res>> inOneBatch(List<Supplier<Api.Res>> calls) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean hold = new AtomicBoolean(true);
        writer.hooks = new WriterHooks() {
            @Override public void beforeTake() {
                if (!hold.get()) return;
                held.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        List<CompletableFuture<Api.Res>> answers = new ArrayList<>();
        try {
            assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
            // A thread each (the common pool may run fewer at once than there are calls, and each blocks until answered).
            for (Supplier<Api.Res> call : calls) answers.add(CompletableFuture.supplyAsync(call, Thread::startVirtualThread));
            for (int i = 0; i < 1200 && writer.queued() < calls.size(); i++) Thread.sleep(5);
            assertThat(writer.queued()).as("one batch of " + calls.size()).isEqualTo(calls.size());
        } finally {
            hold.set(false);
            release.countDown();
            writer.hooks = WriterHooks.NONE;
        }
        return answers;
    }

    @Test
    void theBatchTransactionCarriesItsTimeouts() {
        String appId = createApp();
        fundOrganization(organizationOf(appId), 10);
        Api client = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        Api.Res res = client.post("/api/v1/test-batch-settings", Map.of());
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.data().get("lock_timeout").asString()).isEqualTo("500ms");
        assertThat(res.data().get("statement_timeout").asString()).isEqualTo("1s");
        assertThat(res.data().get("idle_in_transaction_session_timeout").asString()).isEqualTo("1min");
    }

    /**
     * Another transaction holds the payer's wallet row: the batch's lock wait ends at lock_timeout, every
     * attempt likewise, and the caller is answered 503 "not made" instead of waiting; nothing is charged,
     * and once the lock goes the next call goes through.
     */
    @Test
    void aLockHeldElsewhereEndsInA503NotAHang() throws Exception {
        Payer payer = payer(10);
        String wallet = payer.wallet();
        Api client = payer.client();
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (var lock = holder.prepareStatement("SELECT id FROM ledger_accounts WHERE id = ? FOR UPDATE")) {
                lock.setString(1, wallet);
                lock.executeQuery().close();
            }
            CompletableFuture<Api.Res> blocked = CompletableFuture.supplyAsync(
                    () -> client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 2)));
            Api.Res res = blocked.get(60, TimeUnit.SECONDS);
            assertThat(res.status()).as(res.toString()).isEqualTo(503);
            assertThat(res.errorCode()).isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(res.json().get("error").get("details").get("outcome").asString()).isEqualTo("not_made");
            assertThat(res.header("Retry-After")).isNotNull();
            holder.rollback();
        }
        assertThat(balance(wallet)).isEqualTo(10);
        Api.Res after = client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 2));
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(balance(wallet)).isEqualTo(8);
        assertLedgerConsistent();
    }
}
