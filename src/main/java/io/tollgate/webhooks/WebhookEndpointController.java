package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Webhook endpoints, for operators (admin token, the organization in the path) and for the
 * organization itself (a secret key with webhooks:manage): the same operations on both bases.
 */
@RestController
@RequestMapping({WebhookWebConfig.ADMIN_BASE + "/webhook-endpoints", "/api/v1/webhook-endpoints"})
@Tag(name = "Webhooks: endpoints", description = "Signed event delivery (Standard Webhooks) to the organization's URLs")
class WebhookEndpointController {
    private final WebhookEndpoints endpoints;
    private final WebhookDeliveries deliveries;

    WebhookEndpointController(WebhookEndpoints endpoints, WebhookDeliveries deliveries) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
    }

    @Schema(name = "WebhookSecretRotation")
    record RotateSecretRequest(@Min(0) @Max(WebhookEndpoints.MAX_OVERLAP_SECONDS)
                               @Schema(description = "How long the previous secret keeps signing too; default a day", example = "86400")
                               Long overlapSeconds) {}

    @Schema(name = "WebhookRecovery")
    record RecoverRequest(@NotNull @Schema(description = "Failed and held events created since then are sent again", example = "2026-11-23T00:00:00Z")
                          Instant since) {}

    @GetMapping
    @Operation(summary = "List webhook endpoints")
    Envelope<List<WebhookEndpoint>> list(WebhookOwner owner, @RequestParam(required = false) Integer page,
                                         @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(endpoints.list(owner.organizationId(), PageQuery.of(page, perPage)));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a webhook endpoint", description = "The response holds the signing secret (whsec_…); it is never shown again")
    Envelope<CreatedWebhookEndpoint> create(WebhookOwner owner, @Valid @RequestBody WebhookEndpointRequest request) {
        return Envelope.ok(endpoints.create(owner.organizationId(), request));
    }

    @GetMapping("/{endpointId}")
    @Operation(summary = "Get a webhook endpoint")
    Envelope<WebhookEndpoint> get(WebhookOwner owner, @PathVariable String endpointId) {
        return Envelope.ok(endpoints.get(owner.organizationId(), endpointId));
    }

    @PutMapping("/{endpointId}")
    @Operation(summary = "Change a webhook endpoint", description = "Absent fields keep their value; active true enables a disabled endpoint")
    Envelope<WebhookEndpoint> update(WebhookOwner owner, @PathVariable String endpointId, @Valid @RequestBody WebhookEndpointRequest request) {
        return Envelope.ok(endpoints.update(owner.organizationId(), endpointId, request));
    }

    @DeleteMapping("/{endpointId}")
    @Operation(summary = "Delete a webhook endpoint", description = "Its undelivered events fail; its log is kept")
    Envelope<Map<String, Object>> delete(WebhookOwner owner, @PathVariable String endpointId) {
        endpoints.delete(owner.organizationId(), endpointId);
        return Envelope.ok(Map.of("id", endpointId, "deleted", true));
    }

    @PostMapping("/{endpointId}/rotate-secret")
    @Operation(summary = "Rotate the signing secret",
            description = "A new secret, shown once; the previous one keeps signing too (a second signature) for overlap_seconds")
    Envelope<CreatedWebhookEndpoint> rotate(WebhookOwner owner, @PathVariable String endpointId,
                                            @Valid @RequestBody(required = false) RotateSecretRequest request) {
        long overlap = request == null || request.overlapSeconds() == null ? WebhookEndpoints.DEFAULT_OVERLAP_SECONDS : request.overlapSeconds();
        return Envelope.ok(endpoints.rotateSecret(owner.organizationId(), endpointId, overlap));
    }

    @PostMapping("/{endpointId}/test")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Send a test event", description = "A webhook.test event to this endpoint alone, delivered and logged like any other")
    Envelope<Map<String, Object>> test(WebhookOwner owner, @PathVariable String endpointId) {
        return Envelope.ok(Map.of("event_id", deliveries.sendTest(owner.organizationId(), endpointId)));
    }

    @GetMapping("/{endpointId}/deliveries")
    @Operation(summary = "The endpoint's events and their delivery state",
            description = "status: pending, succeeded, failed, held, or undelivered (all but succeeded)")
    Envelope<List<WebhookDelivery>> deliveries(WebhookOwner owner, @PathVariable String endpointId,
                                               @RequestParam(required = false) String status, @RequestParam(required = false) Integer page,
                                               @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(deliveries.deliveries(owner.organizationId(), endpointId, status, PageQuery.of(page, perPage)));
    }

    @GetMapping("/{endpointId}/deliveries/{eventId}")
    @Operation(summary = "One event's delivery, with the body sent")
    Envelope<WebhookDelivery> delivery(WebhookOwner owner, @PathVariable String endpointId, @PathVariable String eventId) {
        return Envelope.ok(deliveries.delivery(owner.organizationId(), endpointId, eventId));
    }

    @PostMapping("/{endpointId}/deliveries/{eventId}/resend")
    @Operation(summary = "Resend one event", description = "Same webhook-id and body, at once, with a fresh retry schedule")
    Envelope<WebhookDelivery> resend(WebhookOwner owner, @PathVariable String endpointId, @PathVariable String eventId) {
        return Envelope.ok(deliveries.resend(owner.organizationId(), endpointId, eventId));
    }

    @PostMapping("/{endpointId}/recover")
    @Operation(summary = "Recover failed events", description = "Sends again every event that failed or was held since the given time")
    Envelope<Map<String, Object>> recover(WebhookOwner owner, @PathVariable String endpointId, @Valid @RequestBody RecoverRequest request) {
        return Envelope.ok(Map.of("queued", deliveries.recover(owner.organizationId(), endpointId, request.since())));
    }

    @GetMapping("/{endpointId}/attempts")
    @Operation(summary = "The delivery attempt log", description = "Newest first: status, latency and the first bytes of each answer")
    Envelope<List<WebhookAttempt>> attempts(WebhookOwner owner, @PathVariable String endpointId,
                                            @RequestParam(required = false) Boolean succeeded, @RequestParam(required = false) Integer page,
                                            @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(deliveries.attempts(owner.organizationId(), endpointId, succeeded, PageQuery.of(page, perPage)));
    }

    @GetMapping("/{endpointId}/stats")
    @Operation(summary = "Success rate and undelivered counts")
    Envelope<WebhookEndpointStats> stats(WebhookOwner owner, @PathVariable String endpointId) {
        return Envelope.ok(deliveries.stats(owner.organizationId(), endpointId));
    }
}
