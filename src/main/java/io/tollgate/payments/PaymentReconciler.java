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
 * asked about at its provider (or looked up there, if the answer to its start was lost); one still
 * unknown after the give-up age is given up on — made unpayable at its provider first (a Stripe
 * PaymentIntent is canceled), then failed — so nothing stays pending forever and nothing paid is lost.
 * It also makes the refunds due for money that bought nothing.
 */
@Component
class PaymentReconciler {
    private static final Logger log = LoggerFactory.getLogger(PaymentReconciler.class);
    private static final int BATCH = 200;
    private final Payments payments;
    private final PaymentRefunds refunds;
    private final Clock clock;
    private final Duration grace;
    private final Duration giveUp;

    PaymentReconciler(Payments payments, PaymentRefunds refunds, Clock clock,
                      @Value("${tollgate.payments.reconcile-after-seconds}") long graceSeconds,
                      @Value("${tollgate.payments.give-up-after-hours}") long giveUpHours) {
        this.payments = payments;
        this.refunds = refunds;
        this.clock = clock;
        this.grace = Duration.ofSeconds(graceSeconds);
        this.giveUp = Duration.ofHours(giveUpHours);
    }

    @Scheduled(fixedDelayString = "${tollgate.payments.reconcile-every-millis}", initialDelayString = "${tollgate.payments.reconcile-every-millis}")
    void reconcile() {
        for (Payment payment : payments.pendingOlderThan(clock.instant().minus(grace), BATCH)) {
            try {
                Payment after = payments.refresh(payment.id());
                if (after.pending() && after.createdAt().isBefore(clock.instant().minus(giveUp))) payments.giveUp(after, failure(after));
            } catch (RuntimeException e) {
                log.warn("Could not reconcile payment {}: {}", payment.id(), e.getMessage());
            }
        }
        for (String id : refunds.due(BATCH)) refunds.refundDue(id);
    }

    /**
     * The last attempt's own failure (a declined card) if there was one, else: the provider never
     * confirmed. Reaching the provider failed with upper-case codes (PROVIDER_TIMEOUT, MPESA_UNAVAILABLE) or stripe_….
     */
    private PaymentProvider.State failure(Payment p) {
        String code = p.failureCode();
        if (code != null && !code.equals(code.toUpperCase(java.util.Locale.ROOT)) && !code.startsWith("stripe_")) {
            return PaymentProvider.State.failed(p.failureCode(), p.failureMessage());
        }
        return PaymentProvider.State.failed("provider_timeout", "The provider never confirmed this payment within " + giveUp.toHours() + " h");
    }
}
