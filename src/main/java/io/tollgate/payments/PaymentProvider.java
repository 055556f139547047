package io.tollgate.payments;

import java.util.Map;
import java.util.Optional;

/**
 * One payment provider (Stripe, M-Pesa Daraja, the built-in sandbox). Implementations talk to the
 * provider only; recording, settling and granting is {@link Payments}'s job. Calls are wrapped by
 * {@link ProviderCalls} (timeouts, retries where idempotent, circuit breaker).
 */
public interface PaymentProvider {

    ProviderName name();

    /**
     * Checks and normalizes what the client sent before anything is recorded or sent (M-Pesa: a Kenyan
     * phone number, whole shillings). Refuses with an ApiException (4xx); never calls the provider.
     */
    default StartOptions prepare(long amountMinor, String currency, StartOptions options) {
        return options;
    }

    /** Starts the provider's flow for a payment already recorded as pending. */
    Started start(Payment payment, StartOptions options);

    /** Asks the provider where a payment stands (reconciliation, and status checks with no callback yet). */
    State query(Payment payment);

    /**
     * Before a payment we give up on is failed: makes sure the provider can no longer take money for it
     * (Stripe cancels the PaymentIntent). Returns {@code failure} once that is so, SUCCEEDED if the
     * provider was paid meanwhile, PENDING if it cannot be decided now (asked again later). By default
     * nothing at the provider can still be paid (an STK prompt expires within minutes).
     */
    default State cancel(Payment payment, State failure) {
        return failure;
    }

    /** A payment whose start answer was lost (no provider reference yet): the provider's record of it, if it can be found. */
    default Optional<Started> recover(Payment payment) {
        return Optional.empty();
    }

    /** Whether {@link #start} may be retried safely (the provider deduplicates, as Stripe does with idempotency keys). */
    boolean startIsIdempotent();

    /**
     * Refunds part or all of a succeeded payment at the provider; the refund is recorded when it
     * confirms (State.refundedMinor: the running total, when known now). idempotencyKey: the same key is
     * the same refund at the provider, so a repeat cannot refund twice.
     */
    default State refund(Payment payment, long amountMinor, String idempotencyKey) {
        throw new ProviderException(false, "REFUND_UNSUPPORTED", name().name().toLowerCase() + " payments cannot be refunded through Tollgate");
    }

    /** What the client needs: phone number for M-Pesa, a Stripe payment method id, the sandbox's chosen outcome. */
    record StartOptions(String phoneNumber, String paymentMethodId, String sandboxOutcome, String description) {}

    /** reference: the provider's id (pi_…, CheckoutRequestID); clientData: what the caller's app needs next. */
    record Started(String reference, State state, Map<String, Object> clientData) {}

    /**
     * refundedMinor: total refunded at the provider so far, when it says. A PENDING state may carry the
     * last attempt's failure (a declined card the customer may still replace).
     */
    record State(Outcome outcome, String failureCode, String failureMessage, Long refundedMinor) {
        public static State pending() { return new State(Outcome.PENDING, null, null, null); }
        public static State succeeded() { return new State(Outcome.SUCCEEDED, null, null, null); }
        public static State failed(String code, String message) { return new State(Outcome.FAILED, code, message, null); }
    }

    enum Outcome { PENDING, SUCCEEDED, FAILED, CANCELED }
}
