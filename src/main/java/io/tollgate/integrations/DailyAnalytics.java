package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.LocalDate;

/** One connection's day (seed 003 integration_analytics): proxied calls, their latency and bytes, cost, uptime from health checks. */
@Schema(name = "IntegrationDailyAnalytics")
public record DailyAnalytics(String connectionId, LocalDate date, long totalRequests, long successfulRequests, long failedRequests,
                             BigDecimal avgResponseTimeMs, Integer p95ResponseTimeMs, long bytesTransferred,
                             @Schema(description = "successful requests × the provider's cost_per_request_minor, when pricing is configured") Long totalCostMinor,
                             String costCurrency, BigDecimal errorRatePercent, BigDecimal uptimePercent, int healthChecks) {}
