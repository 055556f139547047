package io.tollgate.mail;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** Whether mail can be sent, and the outbox's state. */
@Schema(name = "MailStatus")
public record MailStatus(
        @Schema(description = "False when TOLLGATE_SMTP_HOST is unset: nothing is sent and features that need mail answer 503 EMAIL_NOT_CONFIGURED")
        boolean enabled,
        @Schema(example = "smtp.example.com:587") String server,
        @Schema(example = "no-reply@acme.example") String fromAddress,
        @Schema(description = "Mails per status (pending, sending, sent, failed) still kept") Map<String, Long> counts,
        @Schema(description = "When the oldest pending mail was written; null when none waits") Instant oldestPendingAt,
        @Schema(description = "Mails this node did not queue since it started because the outbox was full (TOLLGATE_MAIL_MAX_PENDING): "
                + "side effects such as a sign-up's verification or a welcome, dropped so the action went on; every node's count is "
                + "the metric tollgate_mail_dropped_total") long droppedSinceStart) {}
