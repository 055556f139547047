package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * How an endpoint is doing. success_rate: the share of its last attempts (at most
 * {@value DeliveryStore#STATS_SAMPLE}) that succeeded; null before the first attempt.
 */
@Schema(name = "WebhookEndpointStats")
public record WebhookEndpointStats(
        String endpointId,
        @Schema(example = "0.982") Double successRate,
        @Schema(description = "Attempts the rate is computed over") long attemptsSampled,
        long attemptsLast24h,
        long succeededLast24h,
        @Schema(description = "Events waiting for their next attempt") long pending,
        @Schema(description = "Events whose retries ran out") long failed,
        @Schema(description = "Events held while the endpoint is disabled") long held,
        Instant lastSuccessAt,
        @Schema(description = "The first failure since the last success; null while it succeeds") Instant failingSince) {}
