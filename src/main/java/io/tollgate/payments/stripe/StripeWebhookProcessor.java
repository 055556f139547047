package io.tollgate.payments.stripe;

import static io.tollgate.payments.stripe.StripeObjects.child;
import static io.tollgate.payments.stripe.StripeObjects.text;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Charge;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.InvoicePayment;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.PaymentRefunds;
import io.tollgate.payments.PaymentStatus;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.payments.StripeBillingEvents;
import io.tollgate.payments.StripeSubscription;
import io.tollgate.platform.Json;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies one verified Stripe event, once, in one transaction: the event is stored (a replay stops
 * there), then acted on, then marked processed — all or nothing, so a failure leaves it for Stripe to
 * deliver again. Every handler works whatever the order of arrival: settling is under the row lock
 * (and a success after a failure is honoured), refunds carry Stripe's running total, and subscription
 * events carry their time and state. Events of an endpoint on an API version older than 2025-03-31
 * are read too: what the current model no longer has is taken from the event's raw JSON.
 */
@Component
@Conditional(StripeConfigured.class)
class StripeWebhookProcessor {
    private final Payments payments;
    private final PaymentRefunds refunds;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final JdbcClient jdbc;
    private final Json json;

    StripeWebhookProcessor(Payments payments, PaymentRefunds refunds, TransactionTemplate transactions, ApplicationEventPublisher events,
                           JdbcClient jdbc, Json json) {
        this.payments = payments;
        this.refunds = refunds;
        this.transactions = transactions;
        this.events = events;
        this.jdbc = jdbc;
        this.json = json;
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
            // A declined attempt: Stripe lets the customer try another card, so the payment stays pending with the decline.
            case "payment_intent.payment_failed" -> intent(event, (payment, intent) -> settled(payments.settle(payment.id(), declined(intent))));
            case "payment_intent.canceled" -> intent(event, (payment, intent) -> settled(payments.settle(payment.id(),
                    new PaymentProvider.State(PaymentProvider.Outcome.CANCELED, "canceled", intent.getCancellationReason(), null))));
            case "charge.refunded" -> refunded(object(event, Charge.class), raw(event));
            case "invoice.paid", "invoice.payment_failed" -> invoice(event, object(event, Invoice.class), raw(event), occurredAt);
            case "invoice_payment.paid" -> invoicePayment(object(event, InvoicePayment.class));
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" -> {
                Subscription subscription = object(event, Subscription.class);
                events.publishEvent(new StripeBillingEvents.SubscriptionChanged(event.getId(),
                        StripeObjects.subscription(subscription, raw(event)), event.getType().endsWith(".deleted"), occurredAt));
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

    private static PaymentProvider.State declined(PaymentIntent intent) {
        PaymentProvider.State state = StripeProvider.stateOf(intent);
        if (state.outcome() != PaymentProvider.Outcome.PENDING || state.failureCode() != null) return state;
        return new PaymentProvider.State(PaymentProvider.Outcome.PENDING, "payment_failed", "A payment attempt failed at Stripe", null);
    }

    /**
     * A refund means the charge was paid: a payment still pending (or already given up on) is settled
     * as succeeded first (credits granted), then the refund takes its share back.
     */
    private String refunded(Charge charge, Map<String, Object> raw) {
        long refundedTotal = charge.getAmountRefunded() == null ? 0 : charge.getAmountRefunded();
        Optional<Payment> payment = paymentOf(charge.getPaymentIntent(), charge.getMetadata())
                .or(() -> charge.getPaymentIntent() == null ? Optional.empty()
                        : payments.byStripePaymentIntent(charge.getPaymentIntent()))
                // API versions before 2025-03-31 name the invoice a charge paid.
                .or(() -> Optional.ofNullable(text(raw.get("invoice"))).flatMap(invoice -> payments.byReference(ProviderName.STRIPE, invoice)));
        if (payment.isEmpty()) return "no matching payment";
        Payment p = payment.get();
        boolean settledAsPaid = p.status() == PaymentStatus.SUCCEEDED || p.status() == PaymentStatus.PARTIALLY_REFUNDED
                || p.status() == PaymentStatus.REFUNDED;
        Payment after = settledAsPaid ? refunds.recordRefund(p.id(), refundedTotal)
                : payments.settle(p.id(), new PaymentProvider.State(PaymentProvider.Outcome.SUCCEEDED, null, null, refundedTotal));
        return "refunded " + after.refundedMinor() + " of " + after.amountMinor() + " (" + after.status().name().toLowerCase() + ")";
    }

    private String invoice(Event event, Invoice invoice, Map<String, Object> raw, Instant occurredAt) {
        var details = invoice.getParent() == null ? null : invoice.getParent().getSubscriptionDetails();
        // Before API 2025-03-31: invoice.subscription and invoice.subscription_details.metadata.
        String subscriptionId = details != null && details.getSubscription() != null ? details.getSubscription() : text(raw.get("subscription"));
        if (subscriptionId == null) return "not a subscription invoice";
        Map<String, String> metadata = details != null && details.getMetadata() != null ? details.getMetadata()
                : strings(child(child(raw, "subscription_details"), "metadata"));
        InvoiceLineItem line = invoice.getLines() == null || invoice.getLines().getData() == null || invoice.getLines().getData().isEmpty()
                ? null : invoice.getLines().getData().getFirst();
        boolean paid = event.getType().equals("invoice.paid");
        long amount = paid ? nvl(invoice.getAmountPaid()) : nvl(invoice.getAmountDue());
        events.publishEvent(new StripeBillingEvents.Invoice(event.getId(), paid, invoice.getId(), subscriptionId,
                metadata.get(StripeSubscription.METADATA_SUBSCRIPTION_ID), invoice.getBillingReason(), amount,
                invoice.getCurrency() == null ? null : invoice.getCurrency().toUpperCase(),
                line == null || line.getPeriod() == null ? null : StripeObjects.instant(line.getPeriod().getStart()),
                line == null || line.getPeriod() == null ? null : StripeObjects.instant(line.getPeriod().getEnd()),
                paid ? null : "invoice_payment_failed", occurredAt, paid ? intentOf(invoice, raw) : null));
        return "forwarded to billing";
    }

    /** The PaymentIntent that paid an invoice: top-level before API 2025-03-31, else its payments (when included) or invoice_payment.paid. */
    private String intentOf(Invoice invoice, Map<String, Object> raw) {
        String old = text(raw.get("payment_intent"));
        if (old != null) return old;
        if (invoice.getPayments() != null && invoice.getPayments().getData() != null) {
            for (InvoicePayment p : invoice.getPayments().getData()) {
                if (p.getPayment() != null && p.getPayment().getPaymentIntent() != null) return p.getPayment().getPaymentIntent();
            }
        }
        return jdbc.sql("SELECT payment_intent_id FROM stripe_invoice_payments WHERE invoice_id = ?").param(invoice.getId())
                .query(String.class).optional().orElse(null);
    }

    /** Stripe's word on which PaymentIntent paid an invoice: kept, and given to the invoice's payment if it is recorded already. */
    private String invoicePayment(InvoicePayment paid) {
        String intent = paid.getPayment() == null ? null : paid.getPayment().getPaymentIntent();
        if (paid.getInvoice() == null || intent == null) return "not paid by a PaymentIntent";
        jdbc.sql("INSERT INTO stripe_invoice_payments (invoice_id, payment_intent_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(paid.getInvoice(), intent).update();
        return payments.byReference(ProviderName.STRIPE, paid.getInvoice()).map(p -> {
            payments.remember(p.id(), Map.of(StripeBillingEvents.PAYMENT_INTENT_FACT, intent));
            return "payment " + p.id() + " paid by " + intent;
        }).orElse("kept for invoice " + paid.getInvoice());
    }

    /** By the PaymentIntent id we stored, else by the payment id we put in its metadata (our record of the create may have been lost). */
    private Optional<Payment> paymentOf(String intentId, Map<String, String> metadata) {
        Optional<Payment> byReference = intentId == null ? Optional.empty() : payments.byReference(ProviderName.STRIPE, intentId);
        if (byReference.isPresent()) return byReference;
        String paymentId = metadata == null ? null : metadata.get(StripeProvider.METADATA_PAYMENT_ID);
        Optional<Payment> byMetadata = paymentId == null ? Optional.empty() : payments.find(paymentId).filter(p -> p.provider() == ProviderName.STRIPE);
        // The start's answer was lost: now we know the PaymentIntent, so status checks can ask about it.
        if (intentId != null) byMetadata.filter(p -> p.providerReference() == null).ifPresent(p -> payments.attachReference(p.id(), intentId));
        return byMetadata.map(p -> payments.get(p.id()));
    }

    private static String settled(Payment payment) {
        return "payment " + payment.id() + " " + payment.status().name().toLowerCase();
    }

    private static long nvl(Long value) {
        return value == null ? 0 : value;
    }

    private static Map<String, String> strings(Map<String, Object> map) {
        Map<String, String> out = new java.util.HashMap<>();
        map.forEach((k, v) -> { if (v instanceof String s) out.put(k, s); });
        return out;
    }

    /** The event object's own JSON, for fields of other API versions. */
    private Map<String, Object> raw(Event event) {
        String text = event.getDataObjectDeserializer().getRawJson();
        if (text == null) return Map.of();
        Map<String, Object> map = json.readMap(text);
        return map == null ? Map.of() : map;
    }

    /** The event's object; an event from another API version is read as well as its fields allow. */
    private static <T extends StripeObject> T object(Event event, Class<T> type) {
        EventDataObjectDeserializer data = event.getDataObjectDeserializer();
        StripeObject object;
        try {
            object = data.getObject().isPresent() ? data.getObject().get() : data.deserializeUnsafe();
        } catch (EventDataObjectDeserializationException | RuntimeException e) {
            throw new IllegalArgumentException("Stripe event " + event.getId() + " has an unreadable object", e);
        }
        if (!type.isInstance(object)) throw new IllegalArgumentException("Stripe event " + event.getId() + " is not about a " + type.getSimpleName());
        return type.cast(object);
    }
}
