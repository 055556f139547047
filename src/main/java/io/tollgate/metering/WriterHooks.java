package io.tollgate.metering;

import java.util.List;

/**
 * Points where a test holds the writer or the watchdog to force one interleaving of the two (latches
 * live in the test). No-ops in production: each is one virtual call on a volatile field.
 */
interface WriterHooks {
    WriterHooks NONE = new WriterHooks() {};

    /** Writer thread, before it takes calls from the queue. */
    default void beforeTake() {}

    /** Writer thread, after it claimed a batch and before deciding it. */
    default void taken(List<PendingCall> batch) {}

    /** Watchdog, after it found a queued call past its wait and before it claims it. */
    default void overdue(PendingCall call) {}

    /** Caller's thread, after the running check and before the call is queued. */
    default void beforeEnqueue(PendingCall call) {}
}
