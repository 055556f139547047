package io.tollgate.gateway.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.gateway.CreatedSigningSecret;
import io.tollgate.gateway.GatewayFeatures;
import io.tollgate.gateway.GatewaySettingsRequest;
import io.tollgate.platform.Envelope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Operators' side of a gateway feature: settings, credentials (write-only), signing secret, health. */
@RestController
@Tag(name = "Admin: feature gateway")
class GatewayAdminController {
    private final GatewayFeatures gateway;
    private final String publicUrl;

    GatewayAdminController(GatewayFeatures gateway, @Value("${tollgate.public-url:}") String publicUrl) {
        this.gateway = gateway;
        this.publicUrl = publicUrl;
    }

    @Schema(name = "SigningSecretRotation")
    record RotateRequest(@Min(0) @Max(GatewayFeatures.MAX_OVERLAP_SECONDS)
                         @Schema(description = "Seconds the replaced secret keeps signing beside the new one (0: it stops now)", example = "3600")
                         Long overlapSeconds) {}

    @GetMapping("/api/external-apps/{appId}/features/{featureId}/gateway")
    @Operation(summary = "A gateway feature: URL, settings and upstream health", description = "health: this node's circuit breaker "
            + "and connections in use, last success and failure, and over the last 24 hours calls, upstream error rate and p50/p95 "
            + "latency to the first byte. Credentials are never shown, only the names of their headers.")
    Envelope<GatewayFeatures.View> get(@PathVariable String appId, @PathVariable String featureId) {
        return Envelope.ok(gateway.get(appId, featureId, baseUrl()));
    }

    @PutMapping("/api/external-apps/{appId}/features/{featureId}/gateway")
    @Operation(summary = "Change a gateway feature's settings", description = "charge_on success|any_response; pricing_mode per_request|units "
            + "(units: units_header or units_json_pointer, and max_units); connect_timeout_millis, first_byte_timeout_millis, "
            + "max_connections (the total timeout is the feature's timeout_seconds); upstream_headers: credentials sent to the upstream "
            + "(stored encrypted, never shown; {} removes them). Fields left out keep their value.")
    Envelope<GatewayFeatures.View> update(@PathVariable String appId, @PathVariable String featureId,
                                          @Valid @RequestBody GatewaySettingsRequest request) {
        gateway.update(appId, featureId, request);
        return Envelope.ok(gateway.get(appId, featureId, baseUrl()));
    }

    @PostMapping("/api/external-apps/{appId}/features/{featureId}/gateway/signing-secret")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Rotate the signing secret", description = "A new secret for X-Tollgate-Signature, in this answer only. With "
            + "overlap_seconds the replaced one keeps signing beside it (two v1= signatures) until then, so the upstream can switch "
            + "without failing a call.")
    Envelope<CreatedSigningSecret> rotate(@PathVariable String appId, @PathVariable String featureId,
                                          @Valid @RequestBody(required = false) RotateRequest request) {
        long overlap = request == null || request.overlapSeconds() == null ? 0 : request.overlapSeconds();
        return Envelope.ok(gateway.rotateSigningSecret(appId, featureId, overlap));
    }

    private String baseUrl() {
        return publicUrl.isBlank() ? ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString()
                : publicUrl.replaceAll("/+$", "");
    }
}
