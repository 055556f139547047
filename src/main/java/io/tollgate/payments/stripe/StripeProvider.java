package io.tollgate.payments.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.StripeError;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentIntentSearchParams;
import com.stripe.param.RefundCreateParams;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.ProviderName;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Credit purchases with Stripe PaymentIntents. The PaymentIntent is created with our payment id as
 * its idempotency key (so a retried start cannot charge twice) and in its metadata (so a webhook
 * finds the payment even when the create's answer was lost). Without a payment method the client
 * confirms with Stripe.js (client_secret + publishable_key); with one (pm_…) we confirm here.
 */
@Component
@Conditional(StripeConfigured.class)
class StripeProvider implements PaymentProvider {
    static final String METADATA_PAYMENT_ID = "payment_id";
    private final StripeGateway stripe;
    private final StripeSettings settings;

    StripeProvider(StripeGateway stripe, StripeSettings settings) {
        this.stripe = stripe;
        this.settings = settings;
    }

    @Override
    public ProviderName name() {
        return ProviderName.STRIPE;
    }

    @Override
    public boolean startIsIdempotent() {
        return true;
    }

    @Override
    public Started start(Payment payment, StartOptions options) {
        var methods = PaymentIntentCreateParams.AutomaticPaymentMethods.builder().setEnabled(true);
        var params = PaymentIntentCreateParams.builder()
                .setAmount(payment.amountMinor())
                .setCurrency(payment.currency().toLowerCase(Locale.ROOT))
                .putMetadata(METADATA_PAYMENT_ID, payment.id())
                .putMetadata("purpose", payment.purpose().name().toLowerCase(Locale.ROOT));
        if (options.description() != null) params.setDescription(options.description());
        if (options.paymentMethodId() != null) {
            // Confirmed here, with no customer present: a method that needs a redirect cannot be used.
            methods.setAllowRedirects(PaymentIntentCreateParams.AutomaticPaymentMethods.AllowRedirects.NEVER);
            params.setPaymentMethod(options.paymentMethodId()).setConfirm(true);
        }
        params.setAutomaticPaymentMethods(methods.build());
        PaymentIntent intent;
        try {
            intent = stripe.direct(c -> c.v1().paymentIntents().create(params.build(), StripeGateway.idempotent(payment.id())));
        } catch (ProviderException e) {
            String declined = declinedIntent(e);
            if (declined == null) throw e;
            return new Started(declined, closeDeclined(declined, e), Map.of("payment_intent_id", declined));
        }
        Map<String, Object> clientData = new LinkedHashMap<>();
        clientData.put("payment_intent_id", intent.getId());
        clientData.put("client_secret", intent.getClientSecret());
        clientData.put("publishable_key", settings.publishableKey.isEmpty() ? null : settings.publishableKey);
        return new Started(intent.getId(), stateOf(intent), clientData);
    }

    /** The PaymentIntent a card decline left open at Stripe (it was created, then its confirmation failed), or null. */
    private static String declinedIntent(ProviderException e) {
        if (!(e.getCause() instanceof StripeException se) || se.getStripeError() == null) return null;
        PaymentIntent intent = se.getStripeError().getPaymentIntent();
        return intent == null ? null : intent.getId();
    }

    /**
     * A decline while confirming here: Stripe would still take another card on that PaymentIntent, and
     * nobody else has its client secret, so it is canceled and the payment fails. If Stripe cannot be
     * reached for that, the payment stays pending with the decline, and the reconciler cancels it later.
     */
    private State closeDeclined(String intentId, ProviderException decline) {
        try {
            return cancelIntent(intentId, State.failed(decline.code(), decline.getMessage()));
        } catch (ProviderException unreachable) {
            return new State(Outcome.PENDING, decline.code(), decline.getMessage(), null);
        }
    }

    @Override
    public State query(Payment payment) {
        PaymentIntent intent = stripe.direct(c -> c.v1().paymentIntents().retrieve(payment.providerReference()));
        return stateOf(intent);
    }

    /** Cancels the PaymentIntent, so that Stripe can no longer take money for a payment we fail. */
    @Override
    public State cancel(Payment payment, State failure) {
        return payment.providerReference() == null ? failure : cancelIntent(payment.providerReference(), failure);
    }

    private State cancelIntent(String intentId, State failure) {
        PaymentIntent intent;
        try {
            intent = stripe.direct(c -> c.v1().paymentIntents().cancel(intentId, StripeGateway.idempotent("cancel-" + intentId)));
        } catch (ProviderException e) {
            if (e.retryable()) throw e;
            // Stripe cancels only what can still be paid: one that succeeded, is processing or is canceled already says so.
            intent = stripe.direct(c -> c.v1().paymentIntents().retrieve(intentId));
        }
        State now = stateOf(intent);
        if (now.outcome() == Outcome.CANCELED) return failure;
        return now.outcome() == Outcome.SUCCEEDED ? now : State.pending();
    }

    /** The PaymentIntent made for this payment when the answer to its create was lost: it carries our id in its metadata. */
    @Override
    public Optional<Started> recover(Payment payment) {
        var params = PaymentIntentSearchParams.builder().setQuery("metadata['" + METADATA_PAYMENT_ID + "']:'" + payment.id() + "'").build();
        var found = stripe.direct(c -> c.v1().paymentIntents().search(params));
        return found.getData() == null ? Optional.empty()
                : found.getData().stream().findFirst().map(intent -> new Started(intent.getId(), stateOf(intent), Map.of()));
    }

    @Override
    public State refund(Payment payment, long amountMinor, String idempotencyKey) {
        // A subscription invoice's payment is recorded by the invoice; the PaymentIntent that paid it may be known.
        Object invoiceIntent = payment.providerData().get(io.tollgate.payments.StripeBillingEvents.PAYMENT_INTENT_FACT);
        String intentId = payment.providerReference() != null && payment.providerReference().startsWith("pi_") ? payment.providerReference()
                : invoiceIntent instanceof String known ? known : null;
        if (intentId == null) {
            throw new ProviderException(false, "REFUND_UNSUPPORTED", "Stripe has not told which PaymentIntent paid invoice "
                    + payment.providerReference() + "; refund it in Stripe's dashboard (the refund event is then recorded here)");
        }
        // The charge comes back expanded: its amount_refunded is Stripe's running total, right even for a repeated request.
        var params = RefundCreateParams.builder().setPaymentIntent(intentId).setAmount(amountMinor)
                .putMetadata(METADATA_PAYMENT_ID, payment.id()).addExpand("charge").build();
        Refund refund = stripe.direct(c -> c.v1().refunds().create(params, StripeGateway.idempotent(idempotencyKey)));
        Long total = refund.getChargeObject() == null ? null : refund.getChargeObject().getAmountRefunded();
        return switch (refund.getStatus() == null ? "pending" : refund.getStatus()) {
            case "succeeded" -> new State(Outcome.SUCCEEDED, null, null, total != null ? total : payment.refundedMinor() + amountMinor);
            // Recorded when charge.refunded arrives.
            case "pending", "requires_action" -> new State(Outcome.SUCCEEDED, null, null, null);
            default -> throw new ProviderException(false, "refund_" + refund.getStatus(), "Stripe did not refund: " + refund.getFailureReason());
        };
    }

    /**
     * Only succeeded and canceled are final. A PaymentIntent waiting for a payment method is pending even
     * after a declined attempt (Stripe lets the customer try another card; the decline is kept as the
     * payment's failure_code meanwhile); processing and customer actions are pending too.
     */
    static State stateOf(PaymentIntent intent) {
        StripeError error = intent.getLastPaymentError();
        return switch (intent.getStatus() == null ? "" : intent.getStatus()) {
            case "succeeded" -> State.succeeded();
            case "canceled" -> new State(Outcome.CANCELED, "canceled", intent.getCancellationReason(), null);
            case "requires_payment_method" -> error == null ? State.pending() : new State(Outcome.PENDING,
                    error.getDeclineCode() != null ? error.getDeclineCode() : error.getCode() != null ? error.getCode() : "payment_failed",
                    error.getMessage(), null);
            default -> State.pending();
        };
    }
}
