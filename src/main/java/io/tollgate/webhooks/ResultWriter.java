package io.tollgate.webhooks;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records attempt results in batches (group commit): whatever finished while the last batch was being
 * written goes in the next transaction — attempts, deliveries, endpoint health, disabling — so a
 * thousand deliveries a second cost a few commits, not a thousand. The queue is bounded by
 * TOLLGATE_WEBHOOK_RESULT_QUEUE_MAX ({@link DeliveryFlow}): an attempt waits for room before it queues
 * its result and gives its slot back. A result that cannot be written (the
 * database is gone) is dropped after a few tries: its delivery's lease runs out and it is attempted
 * again, with the same webhook-id (at-least-once).
 */
@Component
class ResultWriter implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ResultWriter.class);
    private static final int MAX_TRIES = 5;
    private final BlockingQueue<DeliveryResult> queue = new LinkedBlockingQueue<>();
    private final DeliveryStore store;
    private final EndpointHealth health;
    private final DeliveryFlow flow;
    private final TransactionTemplate transactions;
    private final WebhookProperties properties;
    private final Clock clock;
    private final String node;
    private volatile boolean running;
    private Thread writer;

    ResultWriter(DeliveryStore store, EndpointHealth health, DeliveryFlow flow, TransactionTemplate transactions, WebhookProperties properties,
                 Clock clock) {
        this.store = store;
        this.health = health;
        this.flow = flow;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
        String host = System.getenv().getOrDefault("HOSTNAME", "node");
        this.node = (host.length() > 60 ? host.substring(0, 60) : host) + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Queues a result (waiting while the queue is full) and gives the attempt's slot back. */
    void add(DeliveryResult result) {
        flow.answered();
        queue.add(result);
    }

    private void run() {
        List<DeliveryResult> batch = new ArrayList<>(properties.resultBatch());
        while (running || !queue.isEmpty()) {
            try {
                DeliveryResult first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, properties.resultBatch() - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (!running) continue;
            } finally {
                flow.recorded(batch.size());
                // An immediate retry (the schedule's first) is due now.
                if (!batch.isEmpty()) flow.wake();
                batch.clear();
            }
        }
    }

    private void write(List<DeliveryResult> batch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                transactions.executeWithoutResult(tx -> {
                    store.record(batch, node);
                    health.apply(batch, clock.instant());
                });
                return;
            } catch (DataAccessException e) {
                if (attempt >= MAX_TRIES) {
                    log.error("Could not record {} webhook results ({}); their deliveries are retried when their leases end", batch.size(),
                            e.getMessage());
                    return;
                }
                Thread.sleep(20L << attempt);
            }
        }
    }

    @Override
    public void start() {
        running = true;
        writer = Thread.ofPlatform().name("webhook-results").start(this::run);
    }

    /** Writes what is queued, then stops (the dispatcher, stopped first, adds nothing more). */
    @Override
    public void stop() {
        running = false;
        try {
            writer.join(10_000);
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
        return Integer.MAX_VALUE - 320;
    }
}
