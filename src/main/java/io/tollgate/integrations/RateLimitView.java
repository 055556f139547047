package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A per-connection limit and where it stands now (seed 003 rate_limits). */
@Schema(name = "IntegrationRateLimit")
public record RateLimitView(String id, String connectionId, LimitType limitType, int maxRequests, int currentUsage, int remaining,
                            Instant windowStart, Instant windowEnd, boolean isExceeded, Instant exceededAt, Instant resetAt) {}
