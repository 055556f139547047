package io.tollgate.mail;

import io.tollgate.mail.internal.OutboxSender;
import io.tollgate.mail.internal.OutboxStore;
import io.tollgate.mail.internal.SmtpTransport;
import io.tollgate.platform.ApiException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The mail module's public face for sending: a mail is written to the outbox in the caller's
 * transaction and sent by a background sender once that transaction commits, so sending never blocks
 * a request, a rolled-back change sends nothing, and a restart loses nothing.
 */
@Service
public class Mailer {
    private final SmtpTransport transport;
    private final OutboxStore outbox;
    private final OutboxSender sender;

    Mailer(SmtpTransport transport, OutboxStore outbox, OutboxSender sender) {
        this.transport = transport;
        this.outbox = outbox;
        this.sender = sender;
    }

    /** False when TOLLGATE_SMTP_HOST is unset: nothing can be sent. */
    public boolean enabled() {
        return transport.enabled();
    }

    /** For features that cannot work without mail: answers 503 EMAIL_NOT_CONFIGURED when it is off. */
    public void requireEnabled() {
        if (!enabled()) throw notConfigured();
    }

    public static ApiException notConfigured() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "EMAIL_NOT_CONFIGURED",
                "This server sends no email: its operator has not configured an SMTP server (TOLLGATE_SMTP_HOST)");
    }

    /**
     * Puts a mail in the outbox, in the caller's transaction if there is one; returns its id. Refuses with
     * 503 EMAIL_NOT_CONFIGURED when mail is off and 503 MAIL_BACKLOG when the outbox holds its limit of
     * unsent mail (callers that must not fail check {@link #enabled()} and catch).
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
}
