package io.tollgate.metering;

import java.time.Instant;

/** One usage event as written (seed 000 external_app_usage, plus units, pricing and session). */
record UsageRow(long id, String appId, String organizationId, String apiKeyId, String endUserId, String feature, String endpoint,
                String method, int status, String pricing, long creditsUsed, long chargeMinor, long costMinor, String currency,
                int durationMs, String requestId, String sessionId, long units, Instant createdAt) {}
