package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** One logged call (seed 003 integration_logs): allowlisted headers, bodies truncated and redacted before they were stored. */
@Schema(name = "IntegrationCallLog")
public record CallLog(String id, String connectionId, String organizationId, String logType, @Schema(example = "proxy") String source,
                      String method, String endpoint, Map<String, Object> requestHeaders, Object requestBody, Integer responseStatus,
                      Map<String, Object> responseHeaders, Object responseBody, Integer responseTimeMs, String errorMessage, String errorCode,
                      String userId, String ipAddress, long bytesSent, long bytesReceived, Instant createdAt) {}
