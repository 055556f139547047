package io.tollgate.media;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Jobs whose worker is gone (its node died, or the database was away when it finished) would keep
 * their credits on hold. Every TOLLGATE_MEDIA_SWEEP_MILLIS any node times out unfinished jobs past
 * their deadline and releases their holds; the compare-and-set in {@link MediaJobs#end} lets every
 * node sweep at once without settling a job twice.
 */
@Component
class JobRecovery {
    private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);
    private static final int BATCH = 100;
    private final MediaJobs jobs;
    private final JobSettlement settlement;

    JobRecovery(MediaJobs jobs, JobSettlement settlement) {
        this.jobs = jobs;
        this.settlement = settlement;
    }

    @Scheduled(fixedDelayString = "${tollgate.media.sweep-millis}", initialDelayString = "${tollgate.media.sweep-millis}")
    void sweep() {
        try {
            List<String> overdue;
            do {
                overdue = jobs.overdue(BATCH);
                for (String id : overdue) settlement.expire(id);
            } while (overdue.size() == BATCH);
        } catch (RuntimeException e) {
            log.warn("Media job recovery failed, will retry: {}", e.getMessage());
        }
    }
}
