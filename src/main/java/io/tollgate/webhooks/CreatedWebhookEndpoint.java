package io.tollgate.webhooks;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.media.Schema;

/** Returned by create and by a secret rotation: the only time the signing secret is ever shown. */
@Schema(name = "CreatedWebhookEndpoint")
public record CreatedWebhookEndpoint(
        @JsonUnwrapped WebhookEndpoint endpoint,
        @Schema(description = "The signing secret (Standard Webhooks). Store it now: it cannot be shown again.",
                example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") String secret) {}
