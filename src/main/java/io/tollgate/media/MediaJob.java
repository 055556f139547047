package io.tollgate.media;

import java.time.Instant;
import java.util.Map;

/** A row of media_jobs. ticket is the HoldTicket as JSON; result what the backend produced. */
record MediaJob(String id, String appId, String organizationId, String endUserId, String apiKeyId, String feature, MediaKind kind,
                String status, int progress, String prompt, Map<String, Object> params, String backend, String upstreamUrl,
                String ticket, Map<String, Object> result, String error, int attempts, Instant deadlineAt, Instant createdAt,
                Instant startedAt, Instant finishedAt, String claimedBy) {

    static final String QUEUED = "queued";
    static final String RUNNING = "running";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final String TIMED_OUT = "timed_out";

    String style() {
        Object style = params.get("style");
        return style == null ? null : style.toString();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> options() {
        Object options = params.get("options");
        return options instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
