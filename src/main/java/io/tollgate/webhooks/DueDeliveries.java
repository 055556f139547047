package io.tollgate.webhooks;

import io.tollgate.platform.CacheInvalidation;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Deliveries became due (an event committed, a resend, a recovery): this node's dispatcher is woken at
 * once, and every other node's through PostgreSQL NOTIFY (the platform's {@link CacheInvalidation}
 * channel, which every node LISTENs on), so whichever node has free slots claims them without waiting
 * for its poll. The poll (TOLLGATE_WEBHOOK_POLL_MILLIS) stays as the safety net for what no wake-up
 * covers: retries coming due later, a lost notification, a node that died between commit and NOTIFY.
 *
 * <p>The NOTIFY is sent after the commit, on its own short transaction, not inside the producing one:
 * PostgreSQL serialises the commits of all transactions that notify (one lock, held through the commit's
 * WAL flush), which would put every payment that emits an event in one line. Sends are single-flight
 * and at most one per TOLLGATE_WEBHOOK_NOTIFY_INTERVAL_MILLIS per node: any number of commits in that
 * time cost one NOTIFY, and a commit waits at most that long to reach the other nodes.
 */
@Component
class DueDeliveries {
    static final String TOPIC = "webhook_due";
    private static final Logger log = LoggerFactory.getLogger(DueDeliveries.class);
    private final DeliveryFlow flow;
    private final CacheInvalidation invalidation;
    private final long intervalMillis;
    /** Tells this node's own notifications (already acted on locally) from the others'. */
    private final String node = UUID.randomUUID().toString();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean sending = new AtomicBoolean();

    DueDeliveries(DeliveryFlow flow, CacheInvalidation invalidation, WebhookProperties properties) {
        this.flow = flow;
        this.invalidation = invalidation;
        this.intervalMillis = properties.notifyIntervalMillis();
        // Another node queued deliveries; or notifications may have been missed (the watch reconnected): look now.
        invalidation.subscribe(TOPIC, from -> {
            if (!node.equals(from)) flow.wake();
        }, flow::wake);
    }

    /** Deliveries were queued by a transaction that has committed (or by a statement outside any). */
    void queued() {
        flow.wake();
        requested.set(true);
        if (sending.compareAndSet(false, true)) Thread.ofVirtual().name("webhook-notify").start(this::send);
    }

    /** Inside a transaction: {@link #queued} once it commits (a wake-up before would find nothing new). */
    void queuedAtCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            queued();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                queued();
            }
        });
    }

    /** One NOTIFY for every request since the last, then a pause; hands over if a request came meanwhile. */
    private void send() {
        try {
            while (requested.getAndSet(false)) {
                try {
                    invalidation.publish(TOPIC, node);
                } catch (RuntimeException e) {
                    // The other nodes find these deliveries at their next poll.
                    log.debug("Could not notify other nodes of due webhook deliveries: {}", e.getMessage());
                }
                if (intervalMillis > 0) Thread.sleep(intervalMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sending.set(false);
            if (requested.get() && sending.compareAndSet(false, true)) Thread.ofVirtual().name("webhook-notify").start(this::send);
        }
    }
}
