package io.tollgate.payments;

import java.util.Map;

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

    /** Whether {@link #start} may be retried safely (the provider deduplicates, as Stripe does with idempotency keys). */
    boolean startIsIdempotent();

    /** Refunds part or all of a succeeded payment at the provider; the refund is recorded when it confirms. */
    default State refund(Payment payment, long amountMinor) {
        throw new ProviderException(false, "REFUND_UNSUPPORTED", name().name().toLowerCase() + " payments cannot be refunded through Tollgate");
    }

    /** What the client needs: phone number for M-Pesa, a Stripe payment method id, the sandbox's chosen outcome. */
    record StartOptions(String phoneNumber, String paymentMethodId, String sandboxOutcome, String description) {}

    /** reference: the provider's id (pi_…, CheckoutRequestID); clientData: what the caller's app needs next. */
    record Started(String reference, State state, Map<String, Object> clientData) {}

    /** refundedMinor: total refunded at the provider so far, when it says. */
    record State(Outcome outcome, String failureCode, String failureMessage, Long refundedMinor) {
        public static State pending() { return new State(Outcome.PENDING, null, null, null); }
        public static State succeeded() { return new State(Outcome.SUCCEEDED, null, null, null); }
        public static State failed(String code, String message) { return new State(Outcome.FAILED, code, message, null); }
    }

    enum Outcome { PENDING, SUCCEEDED, FAILED, CANCELED }
}
