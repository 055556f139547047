package io.tollgate.metering;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;

/**
 * Group commit for metered calls. Requests wait in a bounded queue; one writer thread takes
 * everything waiting (up to the batch limit) and decides and writes it in one transaction, then
 * answers every request of the batch at once. While a batch commits the next one gathers, so
 * batches grow with load and the cost of a commit is shared. With batching off
 * (TOLLGATE_METERING_BATCHING=false) each request runs the same code in its own transaction: the
 * naive baseline the benchmark compares against.
 */
@Component
class MeterWriter implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MeterWriter.class);
    private static final int MAX_ATTEMPTS = 4;
    private final MeterTransaction transaction;
    private final PlatformTransactionManager transactionManager;
    private final BatchMarkers markers;
    private final boolean batching;
    private final int maxBatch;
    private final long waitMillis;
    private final BlockingQueue<Pending> queue;
    private volatile boolean running;
    private Thread writer;
    private final DistributionSummary batchSizes;
    private final Timer batchTimes;

    private record Pending(MeterRequest request, CompletableFuture<MeterOutcome> answer, long deadlineNanos) {}

    private static final long WATCH_EVERY_MILLIS = 250;
    private volatile List<Pending> deciding = List.of();
    private Thread watchdog;

    MeterWriter(MeterTransaction transaction, PlatformTransactionManager transactionManager, BatchMarkers markers,
                @Value("${tollgate.metering.batching}") boolean batching,
                @Value("${tollgate.metering.max-batch}") int maxBatch,
                @Value("${tollgate.metering.queue-capacity}") int queueCapacity,
                @Value("${tollgate.metering.wait-millis}") long waitMillis, MeterRegistry metrics) {
        this.transaction = transaction;
        this.transactionManager = transactionManager;
        this.markers = markers;
        this.batching = batching;
        this.maxBatch = maxBatch;
        this.waitMillis = waitMillis;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        // Batch size and time tell an operator whether group commit is working (bigger batches under load).
        this.batchSizes = DistributionSummary.builder("tollgate.metering.batch.size").description("Metered calls per transaction")
                .publishPercentiles(0.5, 0.95, 0.99).register(metrics);
        this.batchTimes = Timer.builder("tollgate.metering.batch.duration").description("Deciding and committing one batch")
                .publishPercentiles(0.5, 0.95, 0.99).register(metrics);
        Gauge.builder("tollgate.metering.queue.depth", queue, BlockingQueue::size).description("Metered calls waiting for the writer")
                .register(metrics);
    }

    MeterOutcome submit(MeterRequest request) {
        if (!batching) return withRetries(List.of(request)).get(0);
        if (!running) throw unavailable("Metering is shutting down");
        Pending pending = new Pending(request, new CompletableFuture<>(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis));
        if (!queue.offer(pending)) throw unavailable("Too many metered calls are waiting; retry shortly");
        try {
            // An untimed wait: a timed one costs every call a timer (a scheduler task, set and cancelled);
            // the watchdog ends waits that pass waitMillis instead.
            return pending.answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("Interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                // A call the watchdog already answered (503, nothing charged) is never decided.
                batch.removeIf(p -> p.answer().isDone());
                if (batch.isEmpty()) continue;
                deciding = List.copyOf(batch);
                process(batch);
            } catch (InterruptedException e) {
                if (!running) continue;
            } catch (RuntimeException e) {
                log.error("Metering writer failed a batch", e);
                batch.forEach(p -> p.answer().completeExceptionally(e));
            } finally {
                deciding = List.of();
                batch.clear();
            }
        }
    }

    /**
     * Ends waits past waitMillis: a call still queued is answered 503 and taken out of the running (it
     * will not be decided, so nothing is charged); a call in the batch being decided is answered 503 too,
     * but that batch may still commit, and a retry with the same Idempotency-Key gets its real answer.
     */
    private void watch() {
        while (running || writer.isAlive()) {
            try {
                Thread.sleep(WATCH_EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Pending p : queue) {
                if (now - p.deadlineNanos() < 0) break; // FIFO: everyone behind is younger
                p.answer().completeExceptionally(unavailable("The metered call waited too long and was not made; nothing was charged. Retry shortly"));
            }
            for (Pending p : deciding) {
                if (now - p.deadlineNanos() >= 0) {
                    p.answer().completeExceptionally(unavailable("The metered call did not finish in time; retry with the same Idempotency-Key"));
                }
            }
        }
    }

    private void process(List<Pending> batch) {
        List<MeterRequest> requests = batch.stream().map(Pending::request).toList();
        try {
            List<MeterOutcome> outcomes = withRetries(requests);
            for (int i = 0; i < batch.size(); i++) batch.get(i).answer().complete(outcomes.get(i));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).answer().completeExceptionally(e);
                return;
            }
            // One bad call must not fail the others: decide them one by one.
            log.warn("A metering batch of {} failed ({}); retrying its calls one by one", batch.size(), e.getMessage());
            for (Pending p : batch) {
                try {
                    p.answer().complete(withRetries(List.of(p.request())).get(0));
                } catch (RuntimeException single) {
                    p.answer().completeExceptionally(single);
                }
            }
        }
    }

    /**
     * Lock conflicts and lost connections are retried with backoff; the batch is redecided each time. A
     * failure of the COMMIT itself is different: the batch may have landed. Its marker tells, and a batch
     * that landed is answered as decided, never applied again.
     */
    private List<MeterOutcome> withRetries(List<MeterRequest> requests) {
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            String batchId = Ids.next("mtr");
            TransactionStatus tx = transactionManager.getTransaction(TransactionDefinition.withDefaults());
            List<MeterOutcome> outcomes;
            try {
                outcomes = transaction.apply(requests, batchId);
            } catch (RuntimeException e) {
                rollback(tx);
                if (!retryable(e)) throw e;
                if (attempt >= MAX_ATTEMPTS) throw unavailable("The database is busy; retry shortly");
                sleep(10L << attempt);
                continue;
            }
            try {
                transactionManager.commit(tx);
            } catch (RuntimeException e) {
                if (!landed(batchId, e)) { // nothing of it was applied: deciding it again is safe
                    if (attempt >= MAX_ATTEMPTS) throw unavailable("The database is busy; retry shortly");
                    sleep(10L << attempt);
                    continue;
                }
                log.warn("A metering batch of {} committed although its commit reported {}; answered as decided", requests.size(), e.toString());
            }
            batchTimes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            batchSizes.record(requests.size());
            return outcomes;
        }
    }

    private boolean landed(String batchId, RuntimeException commitFailure) {
        try {
            return markers.committed(batchId);
        } catch (RuntimeException unknown) {
            log.error("Cannot tell whether metering batch {} committed ({}; then {})", batchId, commitFailure, unknown.toString());
            throw unavailable("The outcome of the metered call is unknown; retry with the same Idempotency-Key");
        }
    }

    private static boolean retryable(RuntimeException e) {
        return e instanceof TransientDataAccessException || e instanceof DataAccessResourceFailureException;
    }

    private void rollback(TransactionStatus tx) {
        try {
            if (!tx.isCompleted()) transactionManager.rollback(tx);
        } catch (RuntimeException e) {
            log.warn("Rolling back a failed metering batch failed: {}", e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis + (long) (Math.random() * millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ApiException unavailable(String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "METERING_UNAVAILABLE", message);
    }

    @Override
    public void start() {
        running = true;
        if (!batching) return;
        writer = Thread.ofPlatform().name("meter-writer").start(this::run);
        watchdog = Thread.ofPlatform().name("meter-watchdog").daemon().start(this::watch);
    }

    /** Stops taking calls, then lets the writer finish everything already queued. */
    @Override
    public void stop() {
        running = false;
        if (writer == null) return;
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stop before the web server's graceful shutdown ends and before the DataSource closes.
        return Integer.MAX_VALUE - 200;
    }
}
