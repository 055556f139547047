package io.tollgate.metering;

import java.time.Instant;

/**
 * One usage event as written (seed 000 external_app_usage, plus units, pricing and session).
 * transferReference names the ledger movement that paid the call's credits: the reference of its batch's
 * spend transfer, or the hold captured for it; null when no credits moved.
 */
record UsageRow(long id, String appId, String organizationId, String apiKeyId, String endUserId, String feature, String endpoint,
                String method, int status, String pricing, long creditsUsed, long chargeMinor, long costMinor, String currency,
                int durationMs, String requestId, String sessionId, long units, String transferReference, Instant createdAt) {}
