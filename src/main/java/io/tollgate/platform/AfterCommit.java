package io.tollgate.platform;

import jakarta.annotation.PreDestroy;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work to do once the current transaction has committed, off the thread that committed it (which
 * answers a webhook or a client, and is still bound to the finished transaction): a provider call such
 * as a refund or a cancel. At most {@link #MAX_RUNNING} run at once and {@link #MAX_QUEUED} wait; beyond
 * that the committing thread runs the task itself, so a burst slows down rather than losing work or
 * starting unbounded provider calls.
 */
@Component
public class AfterCommit {
    static final int MAX_RUNNING = 8;
    static final int MAX_QUEUED = 1_000;
    private static final Logger log = LoggerFactory.getLogger(AfterCommit.class);

    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(MAX_RUNNING, MAX_RUNNING, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED), Thread.ofVirtual().name("after-commit-", 0).factory(),
            new ThreadPoolExecutor.CallerRunsPolicy());

    public AfterCommit() {
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs task after the caller's transaction commits; false (nothing scheduled) when there is no transaction. */
    public boolean run(String what, Runnable task) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) return false;
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                executor.execute(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.warn("After-commit task {} failed: {}", what, e.toString());
                    }
                });
            }
        });
        return true;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
