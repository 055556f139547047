package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** After-commit work runs once its transaction commits, never for one rolled back, and a burst runs every task. */
class AfterCommitTest extends ApiTest {
    @Autowired
    AfterCommit afterCommit;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void runsOnlyAfterACommit() throws InterruptedException {
        assertThat(afterCommit.run("outside", () -> {})).isFalse();
        AtomicInteger ran = new AtomicInteger();
        transactions.executeWithoutResult(status -> {
            afterCommit.run("rolled back", ran::incrementAndGet);
            status.setRollbackOnly();
        });
        CountDownLatch done = new CountDownLatch(1);
        transactions.executeWithoutResult(status -> {
            assertThat(afterCommit.run("committed", () -> {
                ran.incrementAndGet();
                done.countDown();
            })).isTrue();
            assertThat(done.getCount()).as("not before the commit").isEqualTo(1);
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(1);
    }

    @Test
    void aBurstBeyondTheQueueIsRunByTheCommittingThreadNotDropped() throws InterruptedException {
        int held = AfterCommit.MAX_RUNNING + AfterCommit.MAX_QUEUED;
        int overflow = 50;
        // Its own instance: the application's is shared with whatever other tests left running, which would take
        // a worker and push one of the blocking tasks onto this thread.
        AfterCommit afterCommit = new AfterCommit();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(held + overflow);
        AtomicInteger onCommitter = new AtomicInteger();
        Thread committer = Thread.currentThread();
        transactions.executeWithoutResult(status -> {
            for (int i = 0; i < held + overflow; i++) {
                boolean blocks = i < held; // the first ones occupy every worker and fill the queue
                afterCommit.run("burst", () -> {
                    if (blocks) {
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    } else if (Thread.currentThread() == committer) {
                        onCommitter.incrementAndGet();
                    }
                    done.countDown();
                });
            }
        });
        assertThat(onCommitter.get()).as("tasks beyond the bound ran on the committing thread").isEqualTo(overflow);
        release.countDown();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        afterCommit.stop();
    }
}
