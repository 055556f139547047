package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** One attempt to deliver an event: what the endpoint answered (its first bytes), or why no answer came. */
@Schema(name = "WebhookAttempt")
public record WebhookAttempt(
        @Schema(example = "wha_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String deliveryId,
        @Schema(example = "msg_01jf3k9w6h2xv8n4q5r7s9t1u3") String eventId,
        @Schema(example = "2") int attempt,
        boolean succeeded,
        @Schema(example = "503") Integer responseStatus,
        @Schema(description = "The first bytes of the answer", example = "upstream busy") String responseExcerpt,
        @Schema(example = "Connection refused") String error,
        @Schema(description = "Until the answer's status line arrived", example = "132") int latencyMillis,
        Instant attemptedAt,
        @Schema(description = "The Tollgate node that made it (host:pid:random)") String node) {}
