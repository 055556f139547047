package io.tollgate.webhooks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** "Deliveries were queued on this node": wakes the dispatcher at once instead of at its next poll. */
@Component
class DeliverySignal {
    private final Semaphore permits = new Semaphore(0);

    void wake() {
        if (permits.availablePermits() == 0) permits.release();
    }

    /** Waits until woken or the time passes. */
    void await(long millis) throws InterruptedException {
        permits.tryAcquire(millis, TimeUnit.MILLISECONDS);
        permits.drainPermits();
    }
}
