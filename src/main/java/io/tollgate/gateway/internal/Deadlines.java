package io.tollgate.gateway.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Timeouts of proxied calls: one watcher thread fires a ticket when its deadline passes. Firing aborts the
 * call's current exchange with the upstream (closing its connection ends a blocking connect or read, which
 * an interrupt would not) and, for a call's total timeout, interrupts the call's thread too (ending a wait
 * or a write to the client). A scan every few milliseconds costs less than a scheduled task set and
 * cancelled per call; a deadline fires at most one scan late.
 */
public final class Deadlines implements AutoCloseable {
    private static final long SCAN_NANOS = 20_000_000;
    private final Set<Ticket> active = ConcurrentHashMap.newKeySet();
    private final Thread watcher;
    private volatile boolean running = true;

    public Deadlines() {
        watcher = Thread.ofPlatform().name("gateway-deadlines").daemon().start(this::watch);
    }

    /** Starts watching the calling thread until the ticket is closed: at the deadline it is interrupted and its abort runs. */
    public Ticket start(long deadlineNanos) {
        Ticket ticket = new Ticket(Thread.currentThread(), deadlineNanos);
        active.add(ticket);
        return ticket;
    }

    /** A deadline that only aborts (no interrupt): for a stage of a call, such as waiting for the first byte. */
    public Ticket watch(long deadlineNanos, Runnable abort) {
        Ticket ticket = new Ticket(null, deadlineNanos);
        ticket.onFire(abort);
        active.add(ticket);
        return ticket;
    }

    private void watch() {
        while (running) {
            try {
                Thread.sleep(SCAN_NANOS / 1_000_000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Ticket t : active) {
                if (now - t.deadlineNanos >= 0) t.fire();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
    }

    public final class Ticket implements AutoCloseable {
        private final Thread thread;
        private final long deadlineNanos;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile boolean fired;
        private Runnable abort;

        private Ticket(Thread thread, long deadlineNanos) {
            this.thread = thread;
            this.deadlineNanos = deadlineNanos;
        }

        /** What firing aborts from now on (the exchange now in flight); runs at once when the ticket fired already. */
        public void onFire(Runnable abort) {
            lock.lock();
            try {
                this.abort = abort;
                if (fired) abort.run();
            } finally {
                lock.unlock();
            }
        }

        /** The deadline passed and the ticket fired for it. */
        public boolean fired() {
            return fired;
        }

        public long remainingNanos() {
            return deadlineNanos - System.nanoTime();
        }

        // The interrupt is sent while holding the lock, and close() takes it too: after close() the
        // thread is never interrupted by this ticket, and an interrupt it did get is cleared.
        private void fire() {
            lock.lock();
            try {
                if (active.remove(this)) {
                    fired = true;
                    if (abort != null) abort.run();
                    if (thread != null) thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Stops watching; clears the interrupt this ticket caused, so the thread can go on (to settle the call). */
        @Override
        public void close() {
            lock.lock();
            try {
                active.remove(this);
            } finally {
                lock.unlock();
            }
            if (fired && thread != null) Thread.interrupted();
        }
    }
}
