package io.tollgate.mail.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.mail.AppMailSettings;
import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailOutbox;
import io.tollgate.mail.MailSettings;
import io.tollgate.mail.MailStatus;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operators: whether mail works, what waits and what failed, retrying; per-app sender settings. */
@RestController
@Tag(name = "Admin: mail")
class MailAdminController {
    private final MailOutbox outbox;
    private final AppMailSettings settings;

    MailAdminController(MailOutbox outbox, AppMailSettings settings) {
        this.outbox = outbox;
        this.settings = settings;
    }

    @GetMapping("/api/admin/mail")
    @Operation(summary = "Mail status", description = "Whether an SMTP server is configured, and how many mails are pending, sending, sent "
            + "and failed (kept TOLLGATE_MAIL_RETENTION_DAYS).")
    Envelope<MailStatus> status() {
        return Envelope.ok(outbox.status());
    }

    @GetMapping("/api/admin/mail/outbox")
    @Operation(summary = "List mails", description = "Newest first. Filter by status (pending, sending, sent, failed) and app_id. "
            + "Content is never shown: links in it may carry tokens.")
    Envelope<List<MailMessage>> list(@RequestParam(required = false) Integer page,
                                     @RequestParam(name = "per_page", required = false) Integer perPage,
                                     @RequestParam(required = false) String status,
                                     @RequestParam(name = "app_id", required = false) String appId) {
        return Envelope.page(outbox.list(PageQuery.of(page, perPage), status, appId));
    }

    @GetMapping("/api/admin/mail/outbox/{id}")
    @Operation(summary = "Get one mail", description = "last_error says why the last attempt failed")
    Envelope<MailMessage> get(@PathVariable String id) {
        return Envelope.ok(outbox.get(id));
    }

    @PostMapping("/api/admin/mail/outbox/{id}/retry")
    @Operation(summary = "Retry a failed mail", description = "Back in the queue with fresh attempts. 409 MAIL_NOT_FAILED for any "
            + "other status.")
    Envelope<MailMessage> retry(@PathVariable String id) {
        return Envelope.ok(outbox.retry(id));
    }

    @GetMapping("/api/external-apps/{appId}/mail-settings")
    @Operation(summary = "Get an app's mail settings", description = "effective_sender_name is the name its mails are signed with")
    Envelope<MailSettings> settings(@PathVariable String appId) {
        return Envelope.ok(settings.get(appId));
    }

    @PutMapping("/api/external-apps/{appId}/mail-settings")
    @Operation(summary = "Set an app's mail settings", description = "sender_name (default: the app's name) and reply_to; both replaced")
    Envelope<MailSettings> update(@PathVariable String appId, @RequestBody AppMailSettings.Change change) {
        return Envelope.ok(settings.update(appId, change));
    }
}
