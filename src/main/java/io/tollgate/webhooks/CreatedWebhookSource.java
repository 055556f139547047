package io.tollgate.webhooks;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.media.Schema;

/** Returned by create: the secret made for the source (null when the request brought its own). */
@Schema(name = "CreatedWebhookSource")
public record CreatedWebhookSource(@JsonUnwrapped WebhookSource source,
                                   @Schema(description = "Give this to the provider; it is never shown again") String secret) {}
