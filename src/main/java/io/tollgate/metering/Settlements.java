package io.tollgate.metering;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.SqlPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Group commit for the end of held calls (a proxied call's hold, settled once its upstream answered): the
 * settlements waiting are written in one transaction by one writer thread per node, as metered calls are by
 * {@link MeterWriter}, so many calls share a commit and a wallet is locked once per batch, not once per call.
 * {@link #settle} returns once its settlement is durable. With TOLLGATE_METERING_BATCHING=false each runs in
 * its own transaction, in the caller's thread.
 */
@Service
public class Settlements implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(Settlements.class);
    private final HoldSettler settler;
    private final BatchTransactions batches;
    private final BatchMarkers markers;
    private final JdbcClient jdbc;
    private final boolean batching;
    private final int maxBatch;
    private final long waitMillis;
    private final BlockingQueue<Pending> queue;
    private volatile boolean running;
    private Thread writer;

    private record Pending(HoldSettler.Held call, CompletableFuture<Void> done) {}

    Settlements(HoldSettler settler, BatchTransactions batches, BatchMarkers markers, JdbcClient jdbc,
                @Value("${tollgate.metering.batching}") boolean batching, @Value("${tollgate.metering.max-batch}") int maxBatch,
                @Value("${tollgate.metering.queue-capacity}") int queueCapacity, @Value("${tollgate.metering.wait-millis}") long waitMillis) {
        this.settler = settler;
        this.batches = batches;
        this.markers = markers;
        this.jdbc = jdbc;
        this.batching = batching;
        this.maxBatch = maxBatch;
        this.waitMillis = waitMillis;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
    }

    /**
     * Ends a held call durably: capture (or part of it) and a usage row, or release and allowance given back;
     * see {@link Settlement}. 503 METERING_UNAVAILABLE when it could not be written in time (the hold then
     * expires, which charges nothing).
     */
    public void settle(HoldTicket ticket, Settlement settlement) {
        HoldSettler.Held call = new HoldSettler.Held(ticket, settlement);
        if (!batching) {
            write(List.of(call)); // in the caller's thread, as system work (BatchTransactions)
            return;
        }
        if (!running) throw unavailable("Metering is shutting down");
        Pending pending = new Pending(call, new CompletableFuture<>());
        if (!queue.offer(pending)) throw unavailable("Too many settlements are waiting; retry shortly");
        try {
            pending.done().get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("Interrupted");
        } catch (TimeoutException e) {
            throw unavailable("The settlement of the call did not finish in time");
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
                try {
                    write(batch.stream().map(Pending::call).toList());
                    batch.forEach(p -> p.done().complete(null));
                } catch (RuntimeException e) {
                    if (batch.size() == 1) throw e;
                    // One bad settlement must not fail the others.
                    log.warn("A settlement batch of {} failed ({}); writing its settlements one by one", batch.size(), e.toString());
                    for (Pending p : batch) {
                        try {
                            write(List.of(p.call()));
                            p.done().complete(null);
                        } catch (RuntimeException single) {
                            p.done().completeExceptionally(single);
                        }
                    }
                }
            } catch (InterruptedException e) {
                if (!running) continue;
            } catch (RuntimeException e) {
                log.error("A settlement failed", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** One bounded transaction, redone on lock conflicts and lost connections; a failed COMMIT is settled through the batch's marker. */
    private void write(List<HoldSettler.Held> calls) {
        batches.run("stl", calls.size(), batchId -> {
            SqlPipeline marker = new SqlPipeline();
            markers.write(batchId, marker);
            marker.run(jdbc);
            settler.settle(calls);
            return null;
        });
    }

    private static ApiException unavailable(String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "METERING_UNAVAILABLE", message);
    }

    @Override
    public void start() {
        running = true;
        if (batching) writer = Thread.ofPlatform().name("settlement-writer").start(this::run);
    }

    /** Stops taking settlements, then writes everything already queued. */
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
        // As the metering writer: after the web server's graceful shutdown, before the DataSource closes.
        return Integer.MAX_VALUE - 200;
    }
}
