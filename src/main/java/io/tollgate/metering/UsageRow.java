package io.tollgate.metering;

import java.time.Instant;

/**
 * One usage event as written (seed 000 external_app_usage, plus units, pricing and session).
 * transferReference names the ledger movement that paid the call's credits: the reference of its batch's
 * spend transfer, or the hold captured for it; null when no credits moved. upstream: for a proxied call,
 * what its upstream did; null otherwise.
 */
record UsageRow(long id, String appId, String organizationId, String apiKeyId, String endUserId, String feature, String endpoint,
                String method, int status, String pricing, long creditsUsed, long chargeMinor, long costMinor, String currency,
                int durationMs, String requestId, String sessionId, long units, String transferReference, Instant createdAt,
                UpstreamStats upstream) {

    /** A call Tollgate served itself. */
    UsageRow(long id, String appId, String organizationId, String apiKeyId, String endUserId, String feature, String endpoint,
             String method, int status, String pricing, long creditsUsed, long chargeMinor, long costMinor, String currency,
             int durationMs, String requestId, String sessionId, long units, String transferReference, Instant createdAt) {
        this(id, appId, organizationId, apiKeyId, endUserId, feature, endpoint, method, status, pricing, creditsUsed, chargeMinor,
                costMinor, currency, durationMs, requestId, sessionId, units, transferReference, createdAt, null);
    }
}
