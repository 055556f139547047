package io.tollgate.webhooks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** A poller's alarm: work was queued on this node, so look now rather than at the next poll. */
class Wakeup {
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
