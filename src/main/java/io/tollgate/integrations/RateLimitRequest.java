package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** One limit of a connection: at most max_requests calls per calendar window (UTC). */
@Schema(name = "IntegrationRateLimitRequest")
public record RateLimitRequest(@NotNull LimitType limitType, @NotNull @Min(1) @Max(1_000_000_000) Integer maxRequests) {}
