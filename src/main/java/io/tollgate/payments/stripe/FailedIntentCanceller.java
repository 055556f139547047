package io.tollgate.payments.stripe;

import io.tollgate.payments.ProviderException;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Cancels, at Stripe, a PaymentIntent whose payment we settled as failed, so it cannot be paid later
 * (we would owe credits for a payment already closed). Best effort, in the background, bounded: if it
 * cannot be done, the intent expires unpaid at Stripe anyway unless the customer retries it, which
 * the log then explains.
 */
@Component
@Conditional(StripeConfigured.class)
class FailedIntentCanceller {
    private static final Logger log = LoggerFactory.getLogger(FailedIntentCanceller.class);
    private static final int QUEUE = 1_000;
    private final StripeGateway stripe;
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
            Thread.ofVirtual().name("stripe-cancel-", 0).factory(),
            (task, pool) -> log.warn("Too many PaymentIntents to cancel; one is left as it is"));

    FailedIntentCanceller(StripeGateway stripe) {
        this.stripe = stripe;
    }

    void cancel(String intentId) {
        executor.execute(() -> {
            try {
                stripe.call(true, c -> c.v1().paymentIntents().cancel(intentId, StripeGateway.idempotent("cancel-" + intentId)));
            } catch (ProviderException e) {
                log.warn("Could not cancel failed PaymentIntent {} at Stripe: {}", intentId, e.getMessage());
            }
        });
    }

    @PreDestroy
    void stop() {
        executor.shutdown();
    }
}
