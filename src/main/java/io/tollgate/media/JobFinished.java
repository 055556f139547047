package io.tollgate.media;

import java.time.Instant;

/**
 * A media job ended: succeeded, failed or timed_out. Published inside the transaction that ends the job
 * and settles its credits, so listeners (webhooks) commit with the settlement or not at all.
 *
 * @param creditsCaptured what the job cost in credits (0 unless it succeeded)
 */
public record JobFinished(String jobId, String appId, String organizationId, String endUserId, String feature, String kind,
                          String status, String error, String contentType, Long sizeBytes, long creditsCaptured,
                          Instant createdAt, Instant finishedAt) {

    public boolean succeeded() {
        return "succeeded".equals(status);
    }
}
