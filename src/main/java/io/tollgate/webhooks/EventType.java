package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One type of outbound event. example is the data of a real event of this type (the catalog's tests
 * check that produced events carry exactly these fields). producer: the module whose change sends it.
 */
@Schema(name = "WebhookEventType")
public record EventType(@Schema(example = "payment.succeeded") String name, @Schema(example = "payments") String producer,
                        String description, @Schema(description = "The event's data, as a JSON text") String example) {}
