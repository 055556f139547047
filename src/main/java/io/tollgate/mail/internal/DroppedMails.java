package io.tollgate.mail.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.mail.MailTemplate;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Mails that were a side effect of something else (a sign-up's verification, a welcome, a receipt) and
 * were not queued because the outbox was full: the action went on without them. Operators see them as
 * the metric {@code tollgate_mail_dropped_total{template}} and in the mail status (this node, since it
 * started); users ask again (verification) or lose nothing they cannot see elsewhere (receipts).
 */
@Component
public class DroppedMails {
    private static final Logger log = LoggerFactory.getLogger(DroppedMails.class);
    private final Map<MailTemplate, Counter> counters = new EnumMap<>(MailTemplate.class);
    private final AtomicLong total = new AtomicLong();

    DroppedMails(MeterRegistry registry) {
        for (MailTemplate template : MailTemplate.values()) {
            counters.put(template, Counter.builder("tollgate.mail.dropped").tag("template", template.fileName())
                    .description("Mails not queued because the outbox held TOLLGATE_MAIL_MAX_PENDING unsent mails; "
                            + "the action that would have sent them went on").register(registry));
        }
    }

    public void dropped(MailTemplate template, String appId) {
        counters.get(template).increment();
        long n = total.incrementAndGet();
        log.warn("Outbox full (TOLLGATE_MAIL_MAX_PENDING): {} mail for app {} dropped, {} dropped since start", template.fileName(), appId, n);
    }

    /** Mails dropped on this node since it started. */
    public long total() {
        return total.get();
    }
}
