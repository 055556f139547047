package io.tollgate.mail;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A mail in the outbox as operators see it: never its content (links in it may carry tokens). */
@Schema(name = "MailMessage")
public record MailMessage(
        @Schema(example = "msg_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String appId,
        @Schema(example = "password-reset") String template,
        @Schema(example = "amina@example.com") String recipient,
        @Schema(example = "fr") String locale,
        @Schema(example = "failed", description = "pending, sending, sent or failed") String status,
        int attempts,
        @Schema(description = "When the next attempt is due (pending)") Instant nextAttemptAt,
        @Schema(example = "Connection refused: smtp.example.com:587") String lastError,
        Instant createdAt, Instant sentAt) {}
