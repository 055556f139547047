package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The writer and the watchdog each claim a pending call by compare-and-set, so exactly one decides its
 * fate; these tests force each interleaving with latches at the writer's hooks (no sleeps). Also: a
 * writer that dies of an Error answers its batch and is replaced, and a call that slips in while the
 * writer stops is answered.
 */
class MeterWriterRaceTest extends ApiTest {
    private static final long FAR_FUTURE_NANOS = TimeUnit.DAYS.toNanos(1);
    @Autowired
    MeterWriter writer;
    @Autowired
    DataSource dataSource;

    private String wallet;
    private Api client;

    @AfterEach
    void noHooks() {
        writer.hooks = WriterHooks.NONE;
    }

    private void freshPayer() {
        String appId = createApp();
        wallet = fundOrganization(organizationOf(appId), 100);
        activateCatalogApp(appId, "vto-001");
        client = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
    }

    private CompletableFuture<Api.Res> consume(String requestId) {
        return CompletableFuture.supplyAsync(() -> client.with("X-Request-Id", requestId)
                .post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 2)), Executors.newVirtualThreadPerTaskExecutor());
    }

    private long rowsOf(String requestId) {
        return jdbc.sql("SELECT count(*) FROM usage_events WHERE request_id = ?").param(requestId).query(Long.class).single();
    }

    private static boolean targets(PendingCall call, String requestId) {
        return requestId.equals(call.request().requestId());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) throw new AssertionError("a latch was never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Holds the writer before it takes anything, until released; returns once it is held. */
    private CountDownLatch holdWriter(AtomicBoolean hold, CountDownLatch held, CountDownLatch release, WriterHooks more) {
        writer.hooks = new WriterHooks() {
            @Override public void beforeTake() {
                if (hold.get()) {
                    held.countDown();
                    await(release);
                }
            }
            @Override public void taken(List<PendingCall> batch) { more.taken(batch); }
            @Override public void overdue(PendingCall call) { more.overdue(call); }
        };
        await(held);
        return release;
    }

    private void waitUntilQueued() throws InterruptedException {
        for (int i = 0; i < 1200 && writer.queued() == 0; i++) Thread.sleep(5);
        assertThat(writer.queued()).as("the call is queued").isPositive();
    }

    /**
     * The race of the issue: the watchdog finds the call overdue in the queue; before it claims it, the
     * writer takes it into a batch; then the watchdog tries. It must lose: the call is decided, charged
     * once and answered 200. (Before the claim, the watchdog answered "not made, nothing charged" here
     * while the batch committed: a client retrying without an Idempotency-Key paid twice.)
     */
    @Test
    void aCallTheWriterTookIsNeverAnsweredNotMadeByTheWatchdog() throws Exception {
        freshPayer();
        String target = "race-" + UUID.randomUUID();
        AtomicBoolean hold = new AtomicBoolean(true);
        CountDownLatch watchdogFound = new CountDownLatch(1);
        CountDownLatch writerTook = new CountDownLatch(1);
        CountDownLatch watchdogDone = new CountDownLatch(1);
        CountDownLatch release = holdWriter(hold, new CountDownLatch(1), new CountDownLatch(1), new WriterHooks() {
            @Override public void overdue(PendingCall call) {
                if (!targets(call, target)) return;
                watchdogFound.countDown();
                MeterWriterRaceTest.await(writerTook); // the writer takes it between the watchdog's look and its claim
            }
            @Override public void taken(List<PendingCall> batch) {
                if (batch.stream().noneMatch(c -> targets(c, target))) return;
                writerTook.countDown();
                MeterWriterRaceTest.await(watchdogDone); // the watchdog tries its claim before the batch is decided
            }
        });
        CompletableFuture<Api.Res> answer = consume(target);
        waitUntilQueued();
        Thread watchdog = Thread.ofPlatform().start(() -> writer.expireQueued(System.nanoTime() + FAR_FUTURE_NANOS));
        await(watchdogFound);
        hold.set(false);
        release.countDown();
        watchdog.join(60_000);
        watchdogDone.countDown();

        Api.Res res = answer.get(60, TimeUnit.SECONDS);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(rowsOf(target)).isEqualTo(1);
        assertThat(balance(wallet)).isEqualTo(98);
        assertLedgerConsistent();
    }

    /** The other order: the watchdog claims first; the call is answered "not made" and the writer skips it. */
    @Test
    void aCallTheWatchdogExpiredIsNeverDecided() throws Exception {
        freshPayer();
        String target = "expired-" + UUID.randomUUID();
        AtomicBoolean hold = new AtomicBoolean(true);
        CountDownLatch release = holdWriter(hold, new CountDownLatch(1), new CountDownLatch(1), WriterHooks.NONE);
        CompletableFuture<Api.Res> answer = consume(target);
        waitUntilQueued();
        writer.expireQueued(System.nanoTime() + FAR_FUTURE_NANOS);
        Api.Res res = answer.get(60, TimeUnit.SECONDS);
        hold.set(false);
        release.countDown();
        assertThat(res.status()).as(res.toString()).isEqualTo(503);
        assertThat(res.json().get("error").get("details").get("outcome").asString()).isEqualTo("not_made");

        // The writer has drained the expired call by the time a later call is answered (FIFO).
        String later = "later-" + UUID.randomUUID();
        assertThat(consume(later).get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(rowsOf(target)).isZero();
        assertThat(rowsOf(later)).isEqualTo(1);
        assertThat(balance(wallet)).isEqualTo(98);
    }

    /**
     * An Error (a stack overflow, an out-of-memory) kills the writer thread mid-batch: its caller is
     * answered 503 at once instead of waiting forever, the transaction is rolled back (nothing charged,
     * its connection back in the pool), and a new writer serves the next call.
     */
    @Test
    void aWriterDyingOfAnErrorAnswersItsBatchAndIsReplaced() throws Exception {
        freshPayer();
        Thread before = writer.writerThread();
        String target = "error-" + UUID.randomUUID();
        Api.Res res = client.with("X-Request-Id", target).post("/api/v1/test-writer-error", Map.of());
        assertThat(res.status()).as(res.toString()).isEqualTo(503);
        assertThat(res.errorCode()).isEqualTo("METERING_UNAVAILABLE");
        before.join(60_000);
        assertThat(before.isAlive()).isFalse();
        assertThat(writer.writerThread()).isNotSameAs(before);
        assertThat(writer.writerThread().isAlive()).isTrue();

        String next = "after-error-" + UUID.randomUUID();
        assertThat(consume(next).get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(rowsOf(target)).isZero();
        assertThat(balance(wallet)).isEqualTo(98);
        var pool = io.tollgate.OwnerDatabase.pool(dataSource).getHikariPoolMXBean();
        for (int i = 0; i < 200 && pool.getActiveConnections() > 0; i++) Thread.sleep(25);
        assertThat(pool.getActiveConnections()).as("the dead writer's connection went back to the pool").isZero();
    }

    /**
     * A call passes the "still running?" check, then the writer stops and drains the queue for the last
     * time, then the call is queued: nobody would ever take it. It must be answered, not left waiting.
     */
    @Test
    void aCallQueuedAsTheWriterStopsIsAnswered() throws Exception {
        freshPayer();
        String target = "shutdown-" + UUID.randomUUID();
        CountDownLatch checked = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        writer.hooks = new WriterHooks() {
            @Override public void beforeEnqueue(PendingCall call) {
                if (!targets(call, target)) return;
                checked.countDown();
                MeterWriterRaceTest.await(stopped);
            }
        };
        CompletableFuture<Api.Res> answer = consume(target);
        try {
            await(checked);
            writer.stop();
            stopped.countDown();
            Api.Res res = answer.get(60, TimeUnit.SECONDS);
            assertThat(res.status()).as(res.toString()).isEqualTo(503);
            assertThat(res.json().get("error").get("details").get("outcome").asString()).isEqualTo("not_made");
            assertThat(rowsOf(target)).isZero();
        } finally {
            stopped.countDown();
            writer.start();
        }
        assertThat(consume("restarted-" + UUID.randomUUID()).get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
}
