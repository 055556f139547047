package io.tollgate.mail;

import io.tollgate.mail.internal.DroppedMails;
import io.tollgate.mail.internal.OutboxSender;
import io.tollgate.mail.internal.OutboxStore;
import io.tollgate.mail.internal.SmtpTransport;
import io.tollgate.platform.ApiException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The mail module's public face for sending: a mail is written to the outbox in the caller's
 * transaction and sent by a background sender once that transaction commits, so sending never blocks
 * a request, a rolled-back change sends nothing, and a restart loses nothing.
 *
 * <p>Two ways in. A mail the user asked for ({@link #enqueue}) may be refused, and the request says so.
 * A mail that is a side effect of another action ({@link #offer}: a sign-up's verification, a welcome, a
 * receipt) never fails that action: when the outbox is full it is dropped and counted ({@link DroppedMails}).
 */
@Service
public class Mailer {
    private final SmtpTransport transport;
    private final OutboxStore outbox;
    private final OutboxSender sender;
    private final DroppedMails dropped;

    Mailer(SmtpTransport transport, OutboxStore outbox, OutboxSender sender, DroppedMails dropped) {
        this.transport = transport;
        this.outbox = outbox;
        this.sender = sender;
        this.dropped = dropped;
    }

    /** False when TOLLGATE_SMTP_HOST is unset: nothing can be sent. */
    public boolean enabled() {
        return transport.enabled();
    }

    /** For features that cannot work without mail: answers 503 EMAIL_NOT_CONFIGURED when it is off. */
    public void requireEnabled() {
        if (!enabled()) throw notConfigured();
    }

    /**
     * For a mail the user asked for, before anything is spent on it (a token, a rate-limit slot, a lookup
     * whose outcome must not show): 503 EMAIL_NOT_CONFIGURED, or 503 MAIL_BACKLOG with Retry-After when
     * the outbox is full.
     */
    public void requireRoom() {
        requireEnabled();
        outbox.requireRoom();
    }

    public static ApiException notConfigured() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "EMAIL_NOT_CONFIGURED",
                "This server sends no email: its operator has not configured an SMTP server (TOLLGATE_SMTP_HOST)");
    }

    /**
     * Puts a mail in the outbox, in the caller's transaction if there is one; returns its id. Refuses with
     * 503 EMAIL_NOT_CONFIGURED when mail is off and 503 MAIL_BACKLOG when the outbox holds its limit of
     * unsent mail (mails that must not fail their caller go through {@link #offer}).
     */
    public String enqueue(OutgoingMail mail) {
        requireEnabled();
        if (mail.recipient() == null || mail.recipient().isBlank()) throw new IllegalArgumentException("a mail needs a recipient");
        Map<String, Object> model = mail.model() == null ? Map.of() : mail.model();
        for (String key : mail.template().required()) {
            if (model.get(key) == null) throw new IllegalArgumentException(mail.template() + " needs " + key);
        }
        String id = outbox.insert(new OutgoingMail(mail.appId(), mail.recipient().strip(), mail.locale(), mail.template(), model));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    sender.wake();
                }
            });
        } else {
            sender.wake();
        }
        return id;
    }

    /**
     * A mail that is a side effect of another action: queued when mail is on and the outbox has room,
     * else not — a full outbox drops it with a WARN and a count, never failing the caller. {@code mail} is
     * built only when there is room (it may issue a token). Empty when nothing was queued.
     */
    public Optional<String> offer(MailTemplate template, String appId, Supplier<OutgoingMail> mail) {
        if (!enabled()) return Optional.empty();
        try {
            outbox.requireRoom();
            return Optional.of(enqueue(mail.get()));
        } catch (OutboxStore.Backlog full) {
            // A refusal, not a database error: the caller's transaction goes on unharmed.
            dropped.dropped(template, appId);
            return Optional.empty();
        }
    }
}
