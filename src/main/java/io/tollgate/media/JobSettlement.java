package io.tollgate.media;

import io.tollgate.metering.HoldTicket;
import io.tollgate.metering.Meter;
import io.tollgate.platform.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ends jobs and settles their holds, each in one transaction: the status change that ends a job
 * (a compare-and-set, see {@link MediaJobs}) and {@link Meter#settle} commit together, so a job is
 * settled exactly once — captured when it succeeded, released (allowance given back) otherwise.
 */
@Component
class JobSettlement {
    static final int FAILED_STATUS = 500;
    static final int TIMED_OUT_STATUS = 504;
    private static final Logger log = LoggerFactory.getLogger(JobSettlement.class);
    private final MediaJobs jobs;
    private final MediaFiles files;
    private final Meter meter;
    private final Json json;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;

    JobSettlement(MediaJobs jobs, MediaFiles files, Meter meter, Json json, TransactionTemplate transactions, ApplicationEventPublisher events) {
        this.events = events;
        this.jobs = jobs;
        this.files = files;
        this.meter = meter;
        this.json = json;
        this.transactions = transactions;
    }

    /** The worker's success. False when the job was no longer this node's to finish (then nothing changed). */
    boolean succeed(MediaJob job, String nodeId, Generated output) {
        MediaFiles.Stored stored = output instanceof Generated.File file ? files.write(job.id(), file.bytes(), file.contentType()) : null;
        try {
            String token = stored == null ? null : MediaFiles.newToken();
            Map<String, Object> result = result(output, token, stored);
            Boolean done = transactions.execute(tx -> {
                Optional<MediaJobs.Ended> ended = jobs.succeed(job.id(), nodeId, result);
                if (ended.isEmpty()) return false;
                if (stored != null) files.register(token, job.id(), stored);
                HoldTicket ticket = ticket(ended.get());
                meter.settle(ticket, true, 200, ended.get().durationMs());
                finished(ended.get(), ticket.creditsHeld());
                return true;
            });
            if (!Boolean.TRUE.equals(done) && stored != null) files.discard(stored);
            return Boolean.TRUE.equals(done);
        } catch (RuntimeException e) {
            if (stored != null) files.discard(stored);
            throw e;
        }
    }

    /** What the job shows as its result; a file is named by its token, never by its path. */
    private static Map<String, Object> result(Generated output, String token, MediaFiles.Stored stored) {
        Map<String, Object> result = new LinkedHashMap<>();
        switch (output) {
            case Generated.File file -> {
                result.put("file_token", token);
                result.put("content_type", file.contentType());
                result.put("size_bytes", stored.sizeBytes());
                result.putAll(file.details());
            }
            case Generated.Link link -> {
                result.put("url", link.url());
                result.put("content_type", link.contentType());
            }
        }
        return result;
    }

    /** running → failed or timed_out by the worker that holds it. */
    boolean fail(MediaJob job, String nodeId, boolean timedOut, String error) {
        return end(job.id(), nodeId, timedOut, error);
    }

    /** The recovery sweep: any unfinished job past its deadline, whichever node held it. */
    boolean expire(String jobId) {
        return end(jobId, null, true, "The job passed its deadline before it finished");
    }

    private boolean end(String jobId, String nodeId, boolean timedOut, String error) {
        Boolean done = transactions.execute(tx -> {
            Optional<MediaJobs.Ended> ended = jobs.end(jobId, nodeId, timedOut ? MediaJob.TIMED_OUT : MediaJob.FAILED, error);
            ended.ifPresent(e -> {
                meter.settle(ticket(e), false, timedOut ? TIMED_OUT_STATUS : FAILED_STATUS, e.durationMs());
                finished(e, 0);
            });
            return ended.isPresent();
        });
        if (Boolean.TRUE.equals(done)) log.info("Job {} {}: {}", jobId, timedOut ? "timed out" : "failed", error);
        return Boolean.TRUE.equals(done);
    }

    /** Tells listeners (webhooks) in the settling transaction; a file is described, never named by its token. */
    private void finished(MediaJobs.Ended ended, long creditsCaptured) {
        MediaJob job = ended.job();
        Map<String, Object> result = job.result() == null ? Map.of() : job.result();
        Object size = result.get("size_bytes");
        events.publishEvent(new JobFinished(job.id(), job.appId(), job.organizationId(), job.endUserId(), job.feature(),
                job.kind().name().toLowerCase(), job.status(), job.error(), (String) result.get("content_type"),
                size instanceof Number n ? n.longValue() : null, creditsCaptured, job.createdAt(), job.finishedAt()));
    }

    private HoldTicket ticket(MediaJobs.Ended ended) {
        return json.read(ended.ticketJson(), HoldTicket.class);
    }
}
