package io.tollgate.media;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of media generation on one node (environment variables in application.properties, listed
 * in README): worker slots, how often idle workers look for queued jobs, how often overdue jobs are
 * swept, the largest file a job may produce, how many unfinished jobs one app may have, how long
 * files are kept, and the extra life of a job's credit hold beyond its feature timeout.
 */
@ConfigurationProperties("tollgate.media")
record MediaProperties(int workers, long pollMillis, long sweepMillis, long maxFileBytes, int maxOpenJobsPerApp,
                       int retentionDays, long holdMarginSeconds) {
    MediaProperties {
        require(workers >= 1 && workers <= 256, "tollgate.media.workers must be 1 to 256");
        require(pollMillis >= 10 && pollMillis <= 60_000, "tollgate.media.poll-millis must be 10 to 60000");
        require(sweepMillis >= 100 && sweepMillis <= 3_600_000, "tollgate.media.sweep-millis must be 100 to 3600000");
        require(maxFileBytes >= 1024 && maxFileBytes <= 1L << 30, "tollgate.media.max-file-bytes must be 1 KiB to 1 GiB");
        require(maxOpenJobsPerApp >= 1, "tollgate.media.max-open-jobs-per-app must be positive");
        require(retentionDays >= 1, "tollgate.media.retention-days must be positive");
        require(holdMarginSeconds >= 0 && holdMarginSeconds <= 86_400, "tollgate.media.hold-margin-seconds must be 0 to 86400");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
