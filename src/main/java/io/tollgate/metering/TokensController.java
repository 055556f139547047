package io.tollgate.metering;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.keys.AppCaller;
import io.tollgate.limits.EndpointClass;
import io.tollgate.limits.RateLimitClass;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Json;
import io.tollgate.platform.JsonBodies;
import io.tollgate.platform.Metadata;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.RestController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 001's token API for organizations: an app of the organization consumes its tokens (plan
 * allowance first, then purchased tokens), and reads the period's usage.
 */
@RestController
@Tag(name = "Customer API: tokens")
class TokensController {
    private static final Logger log = LoggerFactory.getLogger(TokensController.class);
    static final String CONSUME_PATH = "/api/v1/customer/tokens/consume";
    private final MeteredCalls calls;
    private final TokenUsage usage;
    private final Json json;
    private final JsonBodies bodies;
    private final ActivatedApps activated;
    private final Clock clock;

    TokensController(MeteredCalls calls, TokenUsage usage, Json json, JsonBodies bodies, ActivatedApps activated, Clock clock) {
        this.bodies = bodies;
        this.clock = clock;
        this.calls = calls;
        this.usage = usage;
        this.json = json;
        this.activated = activated;
    }

    record ConsumeRequest(
            @NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}", message = "must be 1-100 letters, digits and _ . : -") String appId,
            @NotNull @Min(1) @Max(1_000_000) Long tokensConsumed,
            @Pattern(regexp = "[\\x21-\\x7e]{1,100}", message = "must be 1-100 printable characters") String sessionId,
            Map<String, Object> metadata) {}

    @PostMapping(CONSUME_PATH)
    @RequiresScope(Scopes.TOKENS_CONSUME)
    @RateLimitClass(EndpointClass.TOKEN_CONSUMPTION)
    @Operation(summary = "Consume the organization's tokens",
            description = "Plan allowance first, then purchased tokens. 402 INSUFFICIENT_CREDITS with required/available when neither covers it. "
                    + "403 APP_NOT_ACTIVATED when the organization has not activated the catalog app app_id (or deactivated it). "
                    + "Send an Idempotency-Key to make retries safe.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ConsumeRequest.class)))
    void consume(AppCaller caller, HttpServletRequest http, HttpServletResponse response) throws IOException, HttpMediaTypeNotSupportedException {
        // The body read and the answer written here, not by Spring MVC's message conversion: the same checks and
        // answers at about a quarter less CPU per call on the hottest metered call (JsonBodies; docs/PERFORMANCE.md).
        ConsumeRequest request = bodies.read(http, ConsumeRequest.class);
        Metadata.check(request.metadata(), json);
        if (!activated.isActive(caller.organizationId(), request.appId())) {
            throw new ApiException(HttpStatus.FORBIDDEN, "APP_NOT_ACTIVATED", "The organization has not activated the app "
                    + request.appId() + " (or deactivated it); activate it with POST /api/v1/customer/apps/" + request.appId() + "/activate");
        }
        FeatureRule rule = FeatureRule.adHoc(caller.appId(), request.appId(), PricingType.CREDIT, request.tokensConsumed());
        ResponseEntity<?> answer = calls.start(caller, null, http, rule, request.tokensConsumed())
                .body(request)
                .session(request.sessionId())
                .respond(outcome -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("app_id", request.appId());
                    data.put("tokens_consumed", request.tokensConsumed());
                    data.put("session_id", request.sessionId());
                    data.put("source", outcome.source().name().toLowerCase());
                    data.put("plan_tokens_used", outcome.planUnitsUsed());
                    data.put("purchased_tokens_used", outcome.creditsUsed());
                    data.put("purchased_tokens_remaining", outcome.creditsRemaining());
                    data.put("usage_id", outcome.usageId());
                    return data;
                })
                .submit();
        if (answer.getStatusCode().is2xxSuccessful()) {
            // Bookkeeping after the charge: the call was made and charged, so a failure here (the activation list
            // read again while PostgreSQL restarts) must not turn its answer into a 503 that says "not made".
            try {
                activated.used(caller.organizationId(), request.appId(), clock.millis());
            } catch (RuntimeException e) {
                log.debug("last_used_at of {} not noted: {}", request.appId(), e.toString());
            }
        }
        bodies.write(response, answer);
    }

    @GetMapping("/api/v1/customer/tokens/usage")
    @RequiresScope(Scopes.TOKENS_READ)
    @Operation(summary = "Token usage of the current period", description = "current_period (the plan's allowance: tokens_total = "
            + "tokens_used + tokens_remaining, -1 unlimited), usage_by_app (token consumption only, with the app's name) and daily_usage as "
            + "seed 001 shows them; purchased_tokens: wallet tokens used this period and left")
    Envelope<TokenUsage.Report> usage(AppCaller caller) {
        return Envelope.ok(usage.report(caller.organizationId()));
    }
}
