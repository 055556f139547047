package io.tollgate.metering;

import java.util.List;

/**
 * What a long job reserved when it started, kept with the job (as JSON) so that settling it later —
 * capture on success, release on failure or timeout — knows what to undo or record.
 */
public record HoldTicket(String holdId, long creditsHeld, List<CounterUse> counters, String source, long planUnits,
                         String payerId, String appId, String organizationId, String apiKeyId, String endUserId,
                         String feature, String endpoint, String method, long chargeMinor, long costMinor, String currency,
                         String sessionId, String requestId) {
    public record CounterUse(String payerId, String bucket, long amount) {}
}
