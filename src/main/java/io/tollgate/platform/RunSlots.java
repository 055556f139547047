package io.tollgate.platform;

import java.util.concurrent.Semaphore;

/**
 * The slot an HTTP request holds while it runs on the CPU (issue 11 point 14). A few requests at a time
 * (TOLLGATE_HTTP_RUNNING_MAX, 4 per core) run; the others wait for a slot in arrival order, so on a saturated
 * machine the operating system time-slices a handful of request threads, not a hundred, and no request is
 * overtaken for long. A request about to wait for something that needs no CPU here (its group commit, an
 * upstream's answer) gives its slot to the next one first: that wait does not cap how many calls share a
 * commit or how many upstream calls are in flight. It does not take a slot again afterwards: what is left of it
 * (writing the answer) is short, and taking one again while holding a database connection could deadlock.
 */
public final class RunSlots {
    private static final ThreadLocal<Semaphore> HELD = new ThreadLocal<>();

    private RunSlots() {}

    /** Notes that this thread holds a slot of {@code slots}; {@link #giveBack()} returns it once. */
    public static void hold(Semaphore slots) {
        HELD.set(slots);
    }

    /** Returns this thread's slot if it holds one (a no-op on any other thread, e.g. a background job's). */
    public static void giveBack() {
        Semaphore slots = HELD.get();
        if (slots == null) return;
        HELD.remove();
        slots.release();
    }

    /** Whether this thread holds a slot now. */
    public static boolean held() {
        return HELD.get() != null;
    }
}
