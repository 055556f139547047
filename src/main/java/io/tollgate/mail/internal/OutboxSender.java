package io.tollgate.mail.internal;

import io.tollgate.mail.MailSettings;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends what the outbox holds: one thread per node, woken when a transaction that wrote mail commits
 * and otherwise every {@code poll-millis}. Nodes share the outbox safely (claims skip rows another node
 * holds). A failed attempt is retried with exponential backoff and jitter up to {@code max-attempts};
 * a refusal that cannot change (a malformed or rejected address, a 5xx answer to the recipient) fails
 * at once. Sent and failed mails are kept {@code retention-days} for operators, then deleted.
 */
@Component
public class OutboxSender implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
    static final int PURGE_BATCH = 5_000;
    private final SmtpTransport transport;
    private final OutboxStore store;
    private final MailRenderer renderer;
    private final AppMailSettingsStore settings;
    private final Clock clock;
    private final int batch;
    private final long pollMillis;
    private final int maxAttempts;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final Duration lease;
    private final Duration retention;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private volatile Thread thread;

    OutboxSender(SmtpTransport transport, OutboxStore store, MailRenderer renderer, AppMailSettingsStore settings, Clock clock,
                 @Value("${tollgate.mail.batch}") int batch, @Value("${tollgate.mail.poll-millis}") long pollMillis,
                 @Value("${tollgate.mail.max-attempts}") int maxAttempts,
                 @Value("${tollgate.mail.backoff-base-seconds}") long backoffBaseSeconds,
                 @Value("${tollgate.mail.backoff-max-seconds}") long backoffMaxSeconds,
                 @Value("${tollgate.mail.lease-seconds}") long leaseSeconds,
                 @Value("${tollgate.mail.retention-days}") int retentionDays) {
        if (batch < 1 || batch > 1_000) throw new IllegalStateException("TOLLGATE_MAIL_BATCH must be 1 to 1000");
        if (pollMillis < 10) throw new IllegalStateException("TOLLGATE_MAIL_POLL_MILLIS must be at least 10");
        if (maxAttempts < 1 || maxAttempts > 50) throw new IllegalStateException("TOLLGATE_MAIL_MAX_ATTEMPTS must be 1 to 50");
        if (backoffBaseSeconds < 1 || backoffMaxSeconds < backoffBaseSeconds) {
            throw new IllegalStateException("TOLLGATE_MAIL_BACKOFF_BASE_SECONDS must be positive and at most TOLLGATE_MAIL_BACKOFF_MAX_SECONDS");
        }
        if (leaseSeconds < 10) throw new IllegalStateException("TOLLGATE_MAIL_LEASE_SECONDS must be at least 10");
        if (retentionDays < 1) throw new IllegalStateException("TOLLGATE_MAIL_RETENTION_DAYS must be positive");
        this.transport = transport;
        this.store = store;
        this.renderer = renderer;
        this.settings = settings;
        this.clock = clock;
        this.batch = batch;
        this.pollMillis = pollMillis;
        this.maxAttempts = maxAttempts;
        this.backoffBase = Duration.ofSeconds(backoffBaseSeconds);
        this.backoffMax = Duration.ofSeconds(backoffMaxSeconds);
        this.lease = Duration.ofSeconds(leaseSeconds);
        this.retention = Duration.ofDays(retentionDays);
    }

    /** Something was written to the outbox: look now rather than at the next poll. */
    public void wake() {
        if (wake.availablePermits() == 0) wake.release();
    }

    @Override
    public void start() {
        if (!transport.enabled()) return;
        running = true;
        thread = Thread.ofVirtual().name("mail-sender").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t == null) return;
        t.interrupt();
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        while (running) {
            try {
                int sent = sendDue();
                // A full batch means more may be due: go again at once.
                if (sent < batch && wake.tryAcquire(pollMillis, TimeUnit.MILLISECONDS)) wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database went away, most likely: try again after a pause, never spin.
                log.warn("Mail sender: {}", e.toString());
                try {
                    Thread.sleep(pollMillis);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** One round: claims what is due and tries each; returns how many were claimed. */
    int sendDue() {
        List<OutboxStore.Claimed> claimed = store.claimDue(batch, lease);
        for (OutboxStore.Claimed mail : claimed) {
            try {
                send(mail);
                store.sent(mail.id());
            } catch (MessagingException | UnsupportedEncodingException | RuntimeException e) {
                String error = describe(e);
                if (permanent(e) || mail.attempts() >= maxAttempts) {
                    log.warn("Mail {} ({}) failed for good after {} attempt(s): {}", mail.id(), mail.template().fileName(), mail.attempts(), error);
                    store.failed(mail.id(), error);
                } else {
                    Instant next = clock.instant().plus(backoff(mail.attempts()));
                    log.info("Mail {} attempt {} failed, next at {}: {}", mail.id(), mail.attempts(), next, error);
                    store.retryLater(mail.id(), next, error);
                }
            }
        }
        return claimed.size();
    }

    private void send(OutboxStore.Claimed mail) throws MessagingException, UnsupportedEncodingException {
        MailSettings signature = settings.get(mail.appId());
        Map<String, Object> model = new HashMap<>(mail.model());
        model.put("app_name", signature.effectiveSenderName());
        MailRenderer.Rendered rendered = renderer.render(mail.appId(), mail.template(), mail.locale(), model);
        MimeMessage message = transport.sender().createMimeMessage();
        MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
        helper.setFrom(new InternetAddress(transport.fromAddress(), signature.effectiveSenderName(), "UTF-8"));
        if (signature.replyTo() != null) helper.setReplyTo(signature.replyTo());
        helper.setTo(new InternetAddress(mail.recipient(), true));
        helper.setSubject(rendered.subject());
        helper.setText(rendered.text(), rendered.html());
        message.setHeader("Content-Language", rendered.locale().toLanguageTag());
        // Automated mail: no vacation auto-replies (RFC 3834).
        message.setHeader("Auto-Submitted", "auto-generated");
        transport.sender().send(message);
    }

    /** base × 2^(attempt−1), capped, then between half and all of it (jitter spreads a burst of retries). */
    Duration backoff(int attempt) {
        long seconds = backoffBase.getSeconds() << Math.min(attempt - 1, 30);
        long capped = Math.min(seconds, backoffMax.getSeconds());
        long millis = capped * 1000;
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    /**
     * A refusal another attempt cannot change: the message or an address could not be made, or the
     * server answered the recipient with a 5xx (no such mailbox, relaying denied). 4xx and lost
     * connections are transient.
     */
    static boolean permanent(Exception e) {
        if (e instanceof MailParseException || e instanceof MailPreparationException) return true;
        if (e instanceof MailSendException send) {
            for (Exception failure : send.getFailedMessages().values()) {
                if (permanent(failure)) return true;
            }
        }
        for (Throwable t = e; t != null; t = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause()) {
            if (t instanceof jakarta.mail.internet.AddressException) return true;
            // Jakarta Mail lists as "invalid" the recipients the server refused with a permanent (5xx) reply;
            // a temporary (4xx) refusal leaves them "valid unsent".
            if (t instanceof SendFailedException failed && failed.getInvalidAddresses() != null
                    && failed.getInvalidAddresses().length > 0) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = e.getMessage();
        return root == e || message == null ? e.toString() : message + " (" + root + ")";
    }

    @Scheduled(initialDelayString = "PT10M", fixedDelayString = "PT1H")
    void purge() {
        Instant before = clock.instant().minus(retention);
        try {
            int total = 0;
            for (int i = 0; i < 100; i++) {
                int deleted = store.purge(before, PURGE_BATCH);
                total += deleted;
                if (deleted < PURGE_BATCH) break;
            }
            if (total > 0) log.info("Deleted {} sent or failed mails older than {}", total, retention);
        } catch (RuntimeException e) {
            log.warn("Mail purge failed, will retry next hour: {}", e.getMessage());
        }
    }
}
