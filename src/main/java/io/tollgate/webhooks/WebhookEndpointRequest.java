package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Body of POST and PUT. POST needs url and event_types. PUT: absent fields keep their value; description
 * and rate_limit_per_second null clear them. active true on a disabled endpoint enables it again (its
 * held events stay held until recovered). secret: POST only, to bring an existing Standard Webhooks
 * secret; otherwise one is made.
 */
@Schema(name = "WebhookEndpointRequest")
public record WebhookEndpointRequest(
        @Size(max = EndpointUrls.MAX_LENGTH) @Schema(example = "https://hooks.example.com/tollgate") String url,
        @Schema(types = {"string", "null"}, example = "Payments to our ERP") Optional<@Size(max = 500) String> description,
        @Size(max = EventFilter.MAX_PATTERNS) @Schema(example = "[\"payment.*\", \"credits.low\"]") List<String> eventTypes,
        Boolean active,
        @Schema(types = {"integer", "null"}, example = "50") Optional<@Min(1) @Max(10_000) Integer> rateLimitPerSecond,
        @Schema(example = "{\"X-Tenant\": \"acme\"}") Map<String, String> headers,
        Boolean ordered,
        @Schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") String secret) {}
