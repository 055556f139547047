package io.tollgate.metering;

import io.micrometer.core.instrument.Gauge;
import io.tollgate.platform.RunSlots;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for metered calls. Requests wait in a bounded queue; one writer thread takes
 * everything waiting (up to the batch limit) and decides and writes it in one transaction, then
 * answers every request of the batch at once. While a batch commits the next one gathers, so
 * batches grow with load and the cost of a commit is shared. With batching off
 * (TOLLGATE_METERING_BATCHING=false) each request runs the same code in its own transaction: the
 * naive baseline the benchmark compares against.
 *
 * <p>No caller is ever left waiting: a watchdog answers calls past their wait; a writer that dies of
 * an Error answers its batch and is replaced; a call that slips in while the writer stops is answered.
 */
@Component
class MeterWriter implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MeterWriter.class);
    private static final long WATCH_EVERY_MILLIS = 250;
    private static final long STOP_WAIT_MILLIS = 30_000;

    private final BatchTransactions batches;
    private final boolean batching;
    private final int maxBatch;
    private final long waitNanos;
    private final BlockingQueue<PendingCall> queue;
    private final AtomicInteger generation = new AtomicInteger();
    private volatile boolean running;
    /** Set once the writer has stopped for good: a call queued after that is answered by its own caller. */
    private volatile boolean closed;
    private volatile Thread writer;
    private volatile List<PendingCall> deciding = List.of();
    private Thread watchdog;
    /** Test seams (see WriterHooks); never changed in production. */
    volatile WriterHooks hooks = WriterHooks.NONE;

    MeterWriter(BatchTransactions batches, @Value("${tollgate.metering.batching}") boolean batching,
                @Value("${tollgate.metering.max-batch}") int maxBatch,
                @Value("${tollgate.metering.queue-capacity}") int queueCapacity,
                @Value("${tollgate.metering.wait-millis}") long waitMillis, MeterRegistry metrics) {
        this.batches = batches;
        this.batching = batching;
        this.maxBatch = maxBatch;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        Gauge.builder("tollgate.metering.queue.depth", queue, BlockingQueue::size).description("Metered calls waiting for the writer")
                .register(metrics);
    }

    MeterOutcome submit(MeterRequest request) {
        if (!batching) return batches.run(List.of(request)).get(0);
        if (!running) throw MeteringUnavailable.notMade("Metering is shutting down");
        PendingCall call = new PendingCall(request, System.nanoTime() + waitNanos);
        // The commit needs no CPU of this request: let the next one run (and join the batch). Before the offer,
        // since the writer may take the call (and decide its batch) before this thread runs another line.
        RunSlots.giveBack();
        hooks.beforeEnqueue(call);
        if (!queue.offer(call)) throw MeteringUnavailable.notMade("Too many metered calls are waiting; retry shortly");
        // The writer may have drained the queue for the last time between the check above and the offer.
        if (closed) refuseQueued();
        try {
            return call.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeteringUnavailable.unknown("Interrupted while waiting for the metered call");
        }
    }

    private void write() {
        List<PendingCall> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                hooks.beforeTake();
                PendingCall first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                batch.removeIf(call -> !call.take()); // the watchdog expired these: never decided
                if (batch.isEmpty()) continue;
                deciding = List.copyOf(batch);
                hooks.taken(deciding);
                process(batch);
            } catch (InterruptedException e) {
                // Nothing interrupts the writer on purpose; it finishes the queue before it stops.
            } catch (RuntimeException e) {
                log.error("Metering writer failed a batch", e);
                batch.forEach(call -> call.fail(MeteringUnavailable.unknown("The metered call failed unexpectedly")));
            } catch (Error e) {
                // This thread is lost, its callers are not: answer them, let a new writer take over, then die.
                batch.forEach(call -> call.fail(MeteringUnavailable.unknown("The metering writer failed while deciding the call")));
                log.error("The metering writer died of {}; its {} callers were answered 503 and a new writer takes over", e, batch.size());
                replaceWriter();
                throw e;
            } finally {
                if (writer == Thread.currentThread()) deciding = List.of(); // not a successor's batch
                batch.clear();
            }
        }
        close();
    }

    private void replaceWriter() {
        if (running) startWriter();
        else close();
    }

    private void close() {
        closed = true;
        refuseQueued();
    }

    /** Answers every call still queued once no writer will take it. */
    private void refuseQueued() {
        for (PendingCall call; (call = queue.poll()) != null; ) call.expire(MeteringUnavailable.notMade("Metering is shutting down"));
    }

    private void process(List<PendingCall> batch) {
        List<MeterRequest> requests = batch.stream().map(PendingCall::request).toList();
        try {
            List<MeterOutcome> outcomes = batches.run(requests);
            for (int i = 0; i < batch.size(); i++) answer(batch.get(i), outcomes.get(i));
        } catch (MeteringUnavailable e) {
            // The database stayed away (nothing landed), or the batch may have landed: either way deciding
            // its calls again one by one could only charge a call twice or fail the same way.
            batch.forEach(call -> call.fail(e));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).fail(e);
                return;
            }
            // One bad call must not fail the others: nothing of the batch landed, so decide them one by one.
            log.warn("A metering batch of {} failed ({}); retrying its calls one by one", batch.size(), e.getMessage());
            for (int i = 0; i < batch.size(); i++) {
                PendingCall call = batch.get(i);
                try {
                    answer(call, batches.run(List.of(call.request())).get(0));
                } catch (MeteringUnavailable unavailable) {
                    if (unavailable.mayHaveBeenMade()) {
                        call.fail(unavailable);
                        continue;
                    }
                    for (PendingCall rest : batch.subList(i, batch.size())) rest.fail(unavailable); // the database is away
                    return;
                } catch (RuntimeException single) {
                    call.fail(single);
                }
            }
        }
    }

    private static void answer(PendingCall call, MeterOutcome outcome) {
        if (!call.answer(outcome)) {
            log.warn("Metered call {} was decided after its caller had been answered 503 (outcome unknown)", call.request().requestId());
        }
    }

    private void watch() {
        while (running || writerAlive()) {
            try {
                Thread.sleep(WATCH_EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                long now = System.nanoTime();
                expireQueued(now);
                giveUpDeciding(now);
            } catch (RuntimeException e) {
                log.error("Metering watchdog pass failed", e);
            }
        }
    }

    /**
     * Calls still queued past their wait are answered 503 "not made" — if the watchdog wins the claim.
     * A call the writer took meanwhile is the writer's: it will be decided and answered as decided.
     */
    void expireQueued(long nowNanos) {
        for (PendingCall call : queue) {
            if (!call.overdue(nowNanos)) break; // FIFO: everyone behind is younger
            hooks.overdue(call);
            call.expire(MeteringUnavailable.notMade("The metered call waited too long"));
        }
    }

    /** Calls of the batch being decided past their wait are answered 503 "unknown": that batch may still commit. */
    void giveUpDeciding(long nowNanos) {
        for (PendingCall call : deciding) {
            if (call.overdue(nowNanos)) call.fail(MeteringUnavailable.unknown("The metered call did not finish in time"));
        }
    }

    private boolean writerAlive() {
        Thread w = writer;
        return w != null && w.isAlive();
    }

    /** Calls waiting in the queue (tests). */
    int queued() {
        return queue.size();
    }

    /** The current writer thread (tests: a new one after the old one died). */
    Thread writerThread() {
        return writer;
    }

    private void startWriter() {
        writer = Thread.ofPlatform().name("meter-writer-" + generation.incrementAndGet()).start(this::write);
    }

    @Override
    public void start() {
        closed = false;
        running = true;
        if (!batching) return;
        startWriter();
        watchdog = Thread.ofPlatform().name("meter-watchdog").daemon().start(this::watch);
    }

    /** Stops taking calls, then lets the writer finish everything already queued. */
    @Override
    public void stop() {
        running = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
        try {
            // A writer that died during the drain is replaced by one that finishes it, so join whoever is current.
            for (Thread w = writer; w != null && w.isAlive() && System.nanoTime() - deadline < 0; w = writer) {
                w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
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
