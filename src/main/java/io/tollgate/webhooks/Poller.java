package io.tollgate.webhooks;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * A node's worker over a PostgreSQL queue: one platform thread runs {@link #pollOnce} (claim, hand out),
 * the work runs on virtual threads of {@link #executor}. A stop ends the polling, then lets work in
 * flight finish for the drain time; what is still unfinished is picked up again when its lease ends.
 */
abstract class Poller implements SmartLifecycle {
    private final String name;
    private final Duration drain;
    private final int phase;
    protected ExecutorService executor;
    private volatile boolean running;
    private Thread poller;

    Poller(String name, Duration drain, int phase) {
        this.name = name;
        this.drain = drain;
        this.phase = phase;
    }

    /** One round: wait for capacity, claim, start the work. Interrupted when the node stops. */
    protected abstract void pollOnce() throws InterruptedException;

    private void loop() {
        while (running) {
            try {
                pollOnce();
            } catch (InterruptedException e) {
                if (!running) return;
            }
        }
    }

    @Override
    public void start() {
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
        running = true;
        poller = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        poller.interrupt();
        try {
            poller.join(2_000);
            executor.shutdown();
            if (!executor.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}
