package io.tollgate.webhooks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What paces delivery on this node, in two bounded stages:
 * <ul>
 *   <li>slots: at most TOLLGATE_WEBHOOK_CONCURRENCY deliveries between claim and answer;</li>
 *   <li>results: at most TOLLGATE_WEBHOOK_RESULT_QUEUE_MAX answers waiting to be recorded. An answered
 *       attempt gives its slot back as soon as its result is queued, so sending does not wait for the
 *       result writer's commit; only a full result queue holds it (and so the sending) back.</li>
 * </ul>
 * And a wake-up call ({@link Wakeup}): deliveries were queued or results recorded, so the dispatcher looks
 * at once instead of at its next poll.
 */
@Component
class DeliveryFlow extends Wakeup {
    private final Semaphore slots;
    private final Semaphore results;

    @Autowired
    DeliveryFlow(WebhookProperties properties) {
        this(properties.concurrency(), properties.resultQueueMax());
    }

    DeliveryFlow(int concurrency, int resultQueueMax) {
        this.slots = new Semaphore(concurrency);
        this.results = new Semaphore(resultQueueMax);
    }

    /** One slot (waiting up to millis), then as many more as are free, up to max; 0 when none came. */
    int take(int max, long millis) throws InterruptedException {
        if (!slots.tryAcquire(millis, TimeUnit.MILLISECONDS)) return 0;
        int taken = 1;
        while (taken < max && slots.tryAcquire()) taken++;
        return taken;
    }

    void release(int n) {
        if (n > 0) slots.release(n);
    }

    /**
     * An attempt is over: waits for room in the result queue, then gives its slot back. A node stopping
     * (interrupt) queues the result anyway, so the queue can exceed its bound by the attempts in flight.
     */
    void answered() {
        try {
            results.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // No wake-up: a dispatcher short of slots is waiting on them; an idle one has nothing due.
        slots.release();
    }

    /** n results were recorded (or dropped: their leases bring the deliveries back). */
    void recorded(int n) {
        if (n > 0) results.release(n);
    }
}
