package io.tollgate.payments;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Settles payments whose callback never came: every pending payment older than a grace period is
 * asked about at its provider; one still unknown after the give-up age is marked failed
 * (provider_timeout), so nothing stays pending forever and nothing paid is lost.
 */
@Component
class PaymentReconciler {
    private static final Logger log = LoggerFactory.getLogger(PaymentReconciler.class);
    private static final int BATCH = 200;
    private final Payments payments;
    private final Clock clock;
    private final Duration grace;
    private final Duration giveUp;

    PaymentReconciler(Payments payments, Clock clock,
                      @Value("${tollgate.payments.reconcile-after-seconds}") long graceSeconds,
                      @Value("${tollgate.payments.give-up-after-hours}") long giveUpHours) {
        this.payments = payments;
        this.clock = clock;
        this.grace = Duration.ofSeconds(graceSeconds);
        this.giveUp = Duration.ofHours(giveUpHours);
    }

    @Scheduled(fixedDelayString = "${tollgate.payments.reconcile-every-millis}", initialDelayString = "${tollgate.payments.reconcile-every-millis}")
    void reconcile() {
        for (Payment payment : payments.pendingOlderThan(clock.instant().minus(grace), BATCH)) {
            try {
                Payment after = payment.providerReference() == null ? payment : payments.refresh(payment.id());
                if (after.pending() && after.createdAt().isBefore(clock.instant().minus(giveUp))) {
                    payments.settle(after.id(), PaymentProvider.State.failed("provider_timeout",
                            "The provider never confirmed this payment within " + giveUp.toHours() + " h"));
                }
            } catch (RuntimeException e) {
                log.warn("Could not reconcile payment {}: {}", payment.id(), e.getMessage());
            }
        }
    }
}
