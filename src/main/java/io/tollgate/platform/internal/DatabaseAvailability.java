package io.tollgate.platform.internal;

/**
 * Whether PostgreSQL is reachable, as the database watch last found it. While it is not, asking the
 * pool for a connection fails at once (the request is answered 503 instead of waiting), readiness is
 * DOWN, and the pool's own attempts to open connections wait here for it to come back.
 */
final class DatabaseAvailability {
    private boolean up = true;
    private volatile boolean upFast = true;

    boolean up() {
        return upFast;
    }

    /** @return whether this changed the state */
    synchronized boolean markDown() {
        if (!up) return false;
        up = false;
        upFast = false;
        return true;
    }

    /** @return whether this changed the state */
    synchronized boolean markUp() {
        if (up) return false;
        up = true;
        upFast = true;
        notifyAll();
        return true;
    }

    /** Waits until PostgreSQL is reachable again, at most {@code millis}; whether it is. */
    synchronized boolean awaitUp(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!up) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return false;
            wait(left);
        }
        return true;
    }
}
