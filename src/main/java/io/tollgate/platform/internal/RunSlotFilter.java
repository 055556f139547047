package io.tollgate.platform.internal;

import io.tollgate.platform.RunSlots;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admits HTTP requests to the CPU a few at a time, in arrival order (see {@link RunSlots}). First of all
 * filters, so authentication, the envelope and everything after it run inside the slot. A request that waited
 * TOLLGATE_HTTP_RUNNING_WAIT_MILLIS without a slot runs anyway: a wait this gate does not know about (a slow
 * query, a blocking call nobody marked) can slow the node down, never stop it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RunSlotFilter extends OncePerRequestFilter {
    private final Semaphore slots;
    private final int size;
    private final long waitMillis;

    RunSlotFilter(@Value("${tollgate.http.running-max}") int runningMax,
                  @Value("${tollgate.http.running-wait-millis}") long waitMillis) {
        this.size = runningMax > 0 ? runningMax : 4 * Runtime.getRuntime().availableProcessors();
        this.slots = new Semaphore(size, true); // fair: first come, first run
        this.waitMillis = waitMillis;
    }

    /** How many requests run at once (4 per core unless TOLLGATE_HTTP_RUNNING_MAX says otherwise). */
    public int size() {
        return size;
    }

    /** Slots free now (tests check that a waiting request gave its own back). */
    public int free() {
        return slots.availablePermits();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (admit()) RunSlots.hold(slots);
        try {
            chain.doFilter(request, response);
        } finally {
            RunSlots.giveBack();
        }
    }

    private boolean admit() {
        try {
            return slots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return true; // the error page runs on the thread of the request that already passed (and left) the gate
    }
}
