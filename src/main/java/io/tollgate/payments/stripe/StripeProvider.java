package io.tollgate.payments.stripe;

import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.StripeError;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.RefundCreateParams;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.ProviderName;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
        PaymentIntent intent = stripe.call(true, c -> c.v1().paymentIntents().create(params.build(), StripeGateway.idempotent(payment.id())));
        Map<String, Object> clientData = new LinkedHashMap<>();
        clientData.put("payment_intent_id", intent.getId());
        clientData.put("client_secret", intent.getClientSecret());
        clientData.put("publishable_key", settings.publishableKey.isEmpty() ? null : settings.publishableKey);
        return new Started(intent.getId(), stateOf(intent), clientData);
    }

    @Override
    public State query(Payment payment) {
        PaymentIntent intent = stripe.call(true, c -> c.v1().paymentIntents().retrieve(payment.providerReference()));
        return stateOf(intent);
    }

    @Override
    public State refund(Payment payment, long amountMinor) {
        var params = RefundCreateParams.builder().setPaymentIntent(payment.providerReference()).setAmount(amountMinor)
                .putMetadata(METADATA_PAYMENT_ID, payment.id()).build();
        // Keyed by what was refunded before, so a repeat of this very request is one refund at Stripe.
        String key = payment.id() + "-refund-" + payment.refundedMinor() + "-" + amountMinor;
        Refund refund = stripe.call(false, c -> c.v1().refunds().create(params, StripeGateway.idempotent(key)));
        return switch (refund.getStatus() == null ? "pending" : refund.getStatus()) {
            case "succeeded" -> new State(Outcome.SUCCEEDED, null, null, payment.refundedMinor() + amountMinor);
            // Recorded when charge.refunded arrives.
            case "pending", "requires_action" -> new State(Outcome.SUCCEEDED, null, null, null);
            default -> throw new ProviderException(false, "refund_" + refund.getStatus(), "Stripe did not refund: " + refund.getFailureReason());
        };
    }

    /**
     * A PaymentIntent waiting for a payment method is pending (the client has not confirmed yet) unless
     * an attempt already failed; processing and customer actions are pending; canceled is final.
     */
    static State stateOf(PaymentIntent intent) {
        StripeError error = intent.getLastPaymentError();
        return switch (intent.getStatus()) {
            case "succeeded" -> State.succeeded();
            case "canceled" -> new State(Outcome.CANCELED, "canceled", intent.getCancellationReason(), null);
            case "requires_payment_method" -> error == null ? State.pending()
                    : State.failed(error.getDeclineCode() != null ? error.getDeclineCode() : error.getCode() != null ? error.getCode() : "payment_failed",
                    error.getMessage());
            default -> State.pending();
        };
    }
}
