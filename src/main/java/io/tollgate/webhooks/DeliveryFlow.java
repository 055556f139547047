package io.tollgate.webhooks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * What paces delivery on this node: slots (at most TOLLGATE_WEBHOOK_CONCURRENCY deliveries between
 * claim and recorded result) and a wake-up call when this node queued deliveries, so the dispatcher
 * looks at once instead of at its next poll.
 */
@Component
class DeliveryFlow extends Wakeup {
    private final Semaphore slots;

    DeliveryFlow(WebhookProperties properties) {
        this.slots = new Semaphore(properties.concurrency());
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
}
