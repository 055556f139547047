package io.tollgate.mail;

import io.swagger.v3.oas.annotations.media.Schema;

/** How an app's mails are signed. */
@Schema(name = "MailSettings")
public record MailSettings(
        String appId,
        @Schema(example = "Sunset", description = "The name mails are sent under; null: the app's name") String senderName,
        @Schema(example = "support@acme.example", description = "Where replies go; null: the sender address") String replyTo,
        @Schema(example = "Sunset", description = "The name in use now") String effectiveSenderName) {}
