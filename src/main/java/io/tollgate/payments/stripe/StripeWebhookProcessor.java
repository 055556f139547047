package io.tollgate.payments.stripe;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Charge;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.PaymentStatus;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.payments.StripeBillingEvents;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies one verified Stripe event, once, in one transaction: the event is stored (a replay stops
 * there), then acted on, then marked processed — all or nothing, so a failure leaves it for Stripe to
 * deliver again. Every handler works whatever the order of arrival: settling is once only, refunds
 * carry Stripe's running total, and subscription events carry their time and state.
 */
@Component
@Conditional(StripeConfigured.class)
class StripeWebhookProcessor {
    private final Payments payments;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final FailedIntentCanceller canceller;

    StripeWebhookProcessor(Payments payments, TransactionTemplate transactions, ApplicationEventPublisher events,
                           FailedIntentCanceller canceller) {
        this.payments = payments;
        this.transactions = transactions;
        this.events = events;
        this.canceller = canceller;
    }

    String process(Event event, String payload) {
        return transactions.execute(tx -> {
            if (!payments.recordEvent(ProviderName.STRIPE, event.getId(), event.getType(), payload)) return "replayed";
            String outcome = handle(event);
            payments.eventProcessed(ProviderName.STRIPE, event.getId(), outcome);
            return outcome;
        });
    }

    private String handle(Event event) {
        Instant occurredAt = StripeObjects.instant(event.getCreated());
        return switch (event.getType()) {
            case "payment_intent.succeeded" -> intent(event, (payment, intent) ->
                    settled(payments.settle(payment.id(), PaymentProvider.State.succeeded())));
            case "payment_intent.payment_failed" -> intent(event, this::failed);
            case "payment_intent.canceled" -> intent(event, (payment, intent) -> settled(payments.settle(payment.id(),
                    new PaymentProvider.State(PaymentProvider.Outcome.CANCELED, "canceled", intent.getCancellationReason(), null))));
            case "charge.refunded" -> refunded(object(event, Charge.class));
            case "invoice.paid", "invoice.payment_failed" -> invoice(event, object(event, Invoice.class), occurredAt);
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" -> {
                Subscription subscription = object(event, Subscription.class);
                events.publishEvent(new StripeBillingEvents.SubscriptionChanged(event.getId(), StripeObjects.subscription(subscription),
                        event.getType().endsWith(".deleted"), occurredAt));
                yield "forwarded to billing";
            }
            default -> "ignored";
        };
    }

    private interface IntentHandler {
        String handle(Payment payment, PaymentIntent intent);
    }

    private String intent(Event event, IntentHandler handler) {
        PaymentIntent intent = object(event, PaymentIntent.class);
        return paymentOf(intent.getId(), intent.getMetadata()).map(p -> handler.handle(p, intent))
                // Stripe's own PaymentIntents for subscription invoices have no payment here: invoices speak for them.
                .orElse("no matching payment");
    }

    private String failed(Payment payment, PaymentIntent intent) {
        PaymentProvider.State state = StripeProvider.stateOf(intent);
        if (state.outcome() != PaymentProvider.Outcome.FAILED) {
            var error = intent.getLastPaymentError();
            state = PaymentProvider.State.failed(error != null && error.getCode() != null ? error.getCode() : "payment_failed",
                    error == null ? "The payment failed at Stripe" : error.getMessage());
        }
        Payment after = payments.settle(payment.id(), state);
        if (payment.pending() && after.status() == PaymentStatus.FAILED) {
            // We settle once: the intent must not succeed later with another card, or the money would
            // have no credits. Canceled after commit, off this thread, so the webhook is answered now.
            String intentId = intent.getId();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    canceller.cancel(intentId);
                }
            });
        }
        return settled(after);
    }

    /**
     * A refund may arrive before the payment's success: a charge that is refunded was paid, so the
     * payment is settled as succeeded first (credits granted), then the refund takes them back.
     */
    private String refunded(Charge charge) {
        long refundedTotal = charge.getAmountRefunded() == null ? 0 : charge.getAmountRefunded();
        Optional<Payment> payment = paymentOf(charge.getPaymentIntent(), charge.getMetadata());
        if (payment.isEmpty()) return "no matching payment";
        Payment p = payment.get();
        Payment after = p.pending()
                ? payments.settle(p.id(), new PaymentProvider.State(PaymentProvider.Outcome.SUCCEEDED, null, null, refundedTotal))
                : payments.recordRefund(p.id(), refundedTotal);
        return "refunded " + after.refundedMinor() + " of " + after.amountMinor() + " (" + after.status().name().toLowerCase() + ")";
    }

    private String invoice(Event event, Invoice invoice, Instant occurredAt) {
        var details = invoice.getParent() == null ? null : invoice.getParent().getSubscriptionDetails();
        if (details == null || details.getSubscription() == null) return "not a subscription invoice";
        InvoiceLineItem line = invoice.getLines() == null || invoice.getLines().getData() == null || invoice.getLines().getData().isEmpty()
                ? null : invoice.getLines().getData().getFirst();
        boolean paid = event.getType().equals("invoice.paid");
        long amount = paid ? nvl(invoice.getAmountPaid()) : nvl(invoice.getAmountDue());
        String tollgateId = details.getMetadata() == null ? null : details.getMetadata().get(io.tollgate.payments.StripeSubscription.METADATA_SUBSCRIPTION_ID);
        events.publishEvent(new StripeBillingEvents.Invoice(event.getId(), paid, invoice.getId(), details.getSubscription(), tollgateId,
                invoice.getBillingReason(), amount, invoice.getCurrency() == null ? null : invoice.getCurrency().toUpperCase(),
                line == null || line.getPeriod() == null ? null : StripeObjects.instant(line.getPeriod().getStart()),
                line == null || line.getPeriod() == null ? null : StripeObjects.instant(line.getPeriod().getEnd()),
                paid ? null : "invoice_payment_failed", occurredAt));
        return "forwarded to billing";
    }

    /** By the PaymentIntent id we stored, else by the payment id we put in its metadata (our record of the create may have been lost). */
    private Optional<Payment> paymentOf(String intentId, Map<String, String> metadata) {
        Optional<Payment> byReference = intentId == null ? Optional.empty() : payments.byReference(ProviderName.STRIPE, intentId);
        if (byReference.isPresent()) return byReference;
        String paymentId = metadata == null ? null : metadata.get(StripeProvider.METADATA_PAYMENT_ID);
        return paymentId == null ? Optional.empty() : payments.find(paymentId).filter(p -> p.provider() == ProviderName.STRIPE);
    }

    private static String settled(Payment payment) {
        return "payment " + payment.id() + " " + payment.status().name().toLowerCase();
    }

    private static long nvl(Long value) {
        return value == null ? 0 : value;
    }

    /** The event's object; an event from another API version is read as well as its fields allow. */
    private static <T extends StripeObject> T object(Event event, Class<T> type) {
        EventDataObjectDeserializer data = event.getDataObjectDeserializer();
        StripeObject object;
        try {
            object = data.getObject().isPresent() ? data.getObject().get() : data.deserializeUnsafe();
        } catch (EventDataObjectDeserializationException e) {
            throw new IllegalArgumentException("Stripe event " + event.getId() + " has an unreadable object", e);
        }
        if (!type.isInstance(object)) throw new IllegalArgumentException("Stripe event " + event.getId() + " is not about a " + type.getSimpleName());
        return type.cast(object);
    }
}
