package io.tollgate.mail;

import io.tollgate.audit.AuditTrail;
import io.tollgate.mail.internal.DroppedMails;
import io.tollgate.mail.internal.OutboxSender;
import io.tollgate.mail.internal.OutboxStore;
import io.tollgate.mail.internal.SmtpTransport;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What operators see of the outbox (admin API and console), and the one thing they do to it: retry a failed mail. */
@Service
public class MailOutbox {
    public static final List<String> STATUSES = List.of("pending", "sending", "sent", "failed");
    private final OutboxStore store;
    private final SmtpTransport transport;
    private final OutboxSender sender;
    private final AuditTrail audit;
    private final DroppedMails dropped;

    MailOutbox(OutboxStore store, SmtpTransport transport, OutboxSender sender, AuditTrail audit, DroppedMails dropped) {
        this.dropped = dropped;
        this.store = store;
        this.transport = transport;
        this.sender = sender;
        this.audit = audit;
    }

    public MailStatus status() {
        return new MailStatus(transport.enabled(), transport.server(), transport.fromAddress(), store.counts(),
                store.oldestPending().orElse(null), dropped.total());
    }

    /** @param status pending, sending, sent, failed or null for all; appId null for every app */
    public PageResult<MailMessage> list(PageQuery page, String status, String appId) {
        if (status != null && !STATUSES.contains(status)) throw ApiException.invalidField("status", "must be one of " + STATUSES);
        return store.list(page, status, appId);
    }

    public MailMessage get(String id) {
        return store.find(id).orElseThrow(() -> ApiException.notFound("mail", id));
    }

    /** Puts a failed mail back in the queue with fresh attempts; 409 MAIL_NOT_FAILED for any other. */
    @Transactional
    public MailMessage retry(String id) {
        MailMessage before = get(id);
        if (!store.retry(id)) {
            throw ApiException.conflict("MAIL_NOT_FAILED", "Only a failed mail can be retried; this one is " + before.status());
        }
        MailMessage after = get(id);
        audit.record("mail.retried", "mail", id, before, after);
        sender.wake();
        return after;
    }
}
