package io.tollgate.media;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This node's share of the job queue: at most TOLLGATE_MEDIA_WORKERS jobs at once. One poller claims
 * a job whenever a slot is free, looking every TOLLGATE_MEDIA_POLL_MILLIS or at once when this node
 * queued one ({@link #wake}); each job runs on its own virtual thread and is cut off at its deadline.
 */
@Component
class MediaWorkers implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MediaWorkers.class);
    /** How long a clean stop lets running jobs finish before handing them back to the queue. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private final MediaJobs jobs;
    private final JobSettlement settlement;
    private final Map<String, MediaBackend> backends;
    private final MediaProperties properties;
    private final String nodeId;
    private final Semaphore slots;
    private final Semaphore signal = new Semaphore(0);
    private ExecutorService executor;
    private volatile boolean running;
    private Thread poller;

    MediaWorkers(MediaJobs jobs, JobSettlement settlement, BuiltinBackend builtin, UpstreamBackend upstream, MediaProperties properties) {
        this.jobs = jobs;
        this.settlement = settlement;
        this.backends = Map.of("builtin", builtin, "upstream", upstream);
        this.properties = properties;
        this.slots = new Semaphore(properties.workers());
        String host = System.getenv().getOrDefault("HOSTNAME", "node");
        this.nodeId = (host.length() > 60 ? host.substring(0, 60) : host) + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A job was queued on this node: look now rather than at the next poll. */
    void wake() {
        if (signal.availablePermits() == 0) signal.release();
    }

    private void poll() {
        while (running) {
            try {
                if (!slots.tryAcquire(properties.pollMillis(), TimeUnit.MILLISECONDS)) continue;
                MediaJobs.Claimed claimed;
                try {
                    claimed = jobs.claim(nodeId).orElse(null);
                } catch (RuntimeException e) {
                    slots.release();
                    log.warn("Could not claim a media job, will retry: {}", e.getMessage());
                    Thread.sleep(properties.pollMillis());
                    continue;
                }
                if (claimed == null) {
                    slots.release();
                    signal.tryAcquire(properties.pollMillis(), TimeUnit.MILLISECONDS);
                    signal.drainPermits();
                    continue;
                }
                executor.execute(() -> {
                    try {
                        run(claimed);
                    } finally {
                        slots.release();
                    }
                });
            } catch (InterruptedException e) {
                if (!running) return;
            }
        }
    }

    /** Runs one claimed job to its end: success, failure, or timeout at the deadline. */
    private void run(MediaJobs.Claimed claimed) {
        MediaJob job = claimed.job();
        Duration remaining = Duration.ofMillis(Math.max(1, claimed.remainingMillis()));
        MediaBackend backend = backends.get(job.backend());
        // Its own thread, so the job's thread can wait for it with the deadline as the limit and then interrupt it.
        FutureTask<Generated> work = new FutureTask<>(() -> backend.generate(job, remaining, percent -> progress(job, percent)));
        Thread.ofVirtual().name("media-work-" + job.id()).start(work);
        try {
            Generated output = work.get(remaining.toMillis(), TimeUnit.MILLISECONDS);
            boolean succeeded;
            try {
                succeeded = settlement.succeed(job, nodeId, output);
            } catch (GenerationFailed | UncheckedIOException e) {
                // The result could not be kept (over the size limit, disk trouble): the job failed.
                settlement.fail(job, nodeId, false, e instanceof GenerationFailed ? e.getMessage() : "The result could not be stored");
                return;
            }
            if (!succeeded) {
                // Too late (deadline passed while finishing) or no longer ours: a timeout if still ours.
                settlement.fail(job, nodeId, true, timeoutMessage(job));
            }
        } catch (TimeoutException e) {
            work.cancel(true);
            settlement.fail(job, nodeId, true, timeoutMessage(job));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof GenerationFailed ? cause.getMessage() : "The backend failed (" + cause.getClass().getSimpleName() + ")";
            if (!(cause instanceof GenerationFailed)) log.warn("Media job {} failed", job.id(), cause);
            settlement.fail(job, nodeId, false, reason);
        } catch (InterruptedException e) {
            // Stopping: stop() hands the job back to the queue.
            work.cancel(true);
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The database is unreachable or the settlement failed: the job stays running, and the
            // recovery sweep times it out (and releases its hold) once its deadline has passed.
            log.error("Media job {} could not be finished; the recovery sweep will settle it", job.id(), e);
        }
    }

    private void progress(MediaJob job, int percent) {
        try {
            jobs.progress(job.id(), nodeId, Math.max(0, Math.min(99, percent)));
        } catch (RuntimeException e) {
            log.debug("Progress of {} not recorded: {}", job.id(), e.getMessage());
        }
    }

    private static String timeoutMessage(MediaJob job) {
        long seconds = Math.max(1, Duration.between(job.createdAt(), job.deadlineAt()).toSeconds());
        return "The job did not finish within its " + seconds + "-second timeout";
    }

    String nodeId() {
        return nodeId;
    }

    @Override
    public void start() {
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("media-job-", 0).factory());
        running = true;
        poller = Thread.ofPlatform().name("media-poller").daemon().start(this::poll);
    }

    /** Stops claiming, lets running jobs finish for a moment, then hands what is still ours back to the queue. */
    @Override
    public void stop() {
        running = false;
        poller.interrupt();
        try {
            poller.join(DRAIN.toMillis());
            executor.shutdown();
            boolean drained = executor.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
            // Also catches a job claimed in the instant before the poller saw the stop.
            int requeued = jobs.requeue(nodeId);
            if (requeued > 0) log.info("Handed {} unfinished media jobs back to the queue", requeued);
            if (!drained) executor.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Could not hand unfinished media jobs back: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stops early, while the database is certainly still there to take the jobs back.
        return Integer.MAX_VALUE - 300;
    }
}
