package io.tollgate.metering;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A metered call waiting for the writer. Who decides its fate is settled once, by compare-and-set:
 * the writer takes it (it will be decided, and may be charged) or the watchdog expires it (it never
 * will be, so its caller may be told "nothing was charged"). Whichever loses leaves the call alone;
 * without this the watchdog could tell a caller "not made" about a call the writer was committing,
 * and a client retrying without an Idempotency-Key would pay twice.
 */
final class PendingCall {
    private static final int QUEUED = 0;
    private static final int TAKEN = 1;
    private static final int EXPIRED = 2;

    private final MeterRequest request;
    private final long deadlineNanos;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final CompletableFuture<MeterOutcome> answer = new CompletableFuture<>();

    PendingCall(MeterRequest request, long deadlineNanos) {
        this.request = request;
        this.deadlineNanos = deadlineNanos;
    }

    MeterRequest request() {
        return request;
    }

    boolean overdue(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /** The writer's claim: true if the call is now the writer's to decide. */
    boolean take() {
        return state.compareAndSet(QUEUED, TAKEN);
    }

    /** The watchdog's claim: true if the call will never be decided, and its caller has been told so. */
    boolean expire(MeteringUnavailable notMade) {
        if (!state.compareAndSet(QUEUED, EXPIRED)) return false;
        answer.completeExceptionally(notMade);
        return true;
    }

    /** The decided answer; false if the caller was already answered (given up on past its deadline). */
    boolean answer(MeterOutcome outcome) {
        return answer.complete(outcome);
    }

    boolean fail(RuntimeException e) {
        return answer.completeExceptionally(e);
    }

    /** Blocks until answered. Untimed: a timed park costs every call a timer; the watchdog bounds the wait instead. */
    MeterOutcome await() throws InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }
}
