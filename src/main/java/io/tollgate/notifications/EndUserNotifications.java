package io.tollgate.notifications;

import io.tollgate.identity.EndUsers;
import io.tollgate.mail.MailTemplate;
import io.tollgate.mail.Mailer;
import io.tollgate.mail.OutgoingMail;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Mail to end users about what happens elsewhere (payments, subscriptions, credits), sent only to a
 * verified address of an active user and only when mail is on. Joining the caller's transaction as a
 * savepoint: the mail commits with what caused it, and a failure here (even one PostgreSQL reports)
 * rolls back the mail alone, never the payment or the debit that caused it.
 */
@Service
public class EndUserNotifications {
    private static final Logger log = LoggerFactory.getLogger(EndUserNotifications.class);
    private final EndUsers endUsers;
    private final Mailer mailer;
    private final TransactionTemplate savepoint;

    EndUserNotifications(EndUsers endUsers, Mailer mailer, PlatformTransactionManager transactions) {
        this.endUsers = endUsers;
        this.mailer = mailer;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /**
     * Tells the user its credits are running low ({@code balanceCredits} left). For the low-credit
     * detection to call; true when a mail was queued. (The caller decides how often: this sends every time.)
     */
    public boolean creditsLow(String endUserId, long balanceCredits) {
        return send(endUserId, MailTemplate.CREDITS_LOW, locale -> Map.of("balance", balanceCredits));
    }

    /**
     * Queues {@code template} for the user with the model {@code model} builds for the user's locale;
     * false (and nothing queued) when the user has no verified address, mail is off, or queueing failed.
     */
    public boolean send(String endUserId, MailTemplate template, Function<String, Map<String, Object>> model) {
        if (!mailer.enabled()) return false;
        try {
            // offer: a full outbox drops the mail (counted for operators) instead of failing what caused it.
            Boolean queued = savepoint.execute(s -> endUsers.verifiedMailbox(endUserId).flatMap(box -> mailer.offer(template, box.appId(),
                    () -> new OutgoingMail(box.appId(), box.email(), box.locale(), template, new LinkedHashMap<>(model.apply(box.locale())))))
                    .isPresent());
            return Boolean.TRUE.equals(queued);
        } catch (RuntimeException e) {
            log.warn("{} mail to end user {} not queued: {}", template.fileName(), endUserId, e.toString());
            return false;
        }
    }
}
