package io.tollgate.notifications.internal;

import io.tollgate.billing.Subscription;
import io.tollgate.billing.Subscriptions;
import io.tollgate.mail.MailTemplate;
import io.tollgate.metering.Plans;
import io.tollgate.notifications.EndUserNotifications;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentEvents;
import io.tollgate.payments.PaymentPurpose;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * A receipt for every payment an end user made that succeeded, and a confirmation when a payment
 * starts a subscription. Listens just before the settling transaction commits — after billing's own
 * listeners have moved the subscription — so the mail is queued with the settlement or not at all.
 */
@Component
class PaymentMails {
    static final String END_USER = "end_user";
    /** The kind billing gives a subscription's first charge (SubscriptionCharge). */
    static final String FIRST_CHARGE = "first";
    private final EndUserNotifications notifications;
    private final Subscriptions subscriptions;
    private final Plans plans;

    PaymentMails(EndUserNotifications notifications, Subscriptions subscriptions, Plans plans) {
        this.notifications = notifications;
        this.subscriptions = subscriptions;
        this.plans = plans;
    }

    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void onSucceeded(PaymentEvents.Succeeded event) {
        Payment payment = event.payment();
        if (!END_USER.equals(payment.payerType())) return;
        Optional<Subscription> started = payment.purpose() == PaymentPurpose.SUBSCRIPTION ? startedBy(payment) : Optional.empty();
        String planName = payment.purpose() == PaymentPurpose.SUBSCRIPTION
                ? subscriptions.find(payment.purposeRef()).flatMap(s -> plans.find(s.planId())).map(p -> p.name()).orElse(null) : null;
        notifications.send(payment.payerId(), MailTemplate.PAYMENT_RECEIPT, locale -> {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("amount", Formats.money(payment.amountMinor(), payment.currency(), locale));
            model.put("purpose", payment.purpose().name().toLowerCase(Locale.ROOT));
            model.put("credits", payment.credits());
            if (planName != null) model.put("plan_name", planName);
            model.put("payment_id", payment.id());
            model.put("paid_at", Formats.date(payment.settledAt() == null ? Instant.now() : payment.settledAt(), locale));
            return model;
        });
        started.ifPresent(s -> notifications.send(payment.payerId(), MailTemplate.SUBSCRIPTION_CONFIRMATION, locale -> Map.of(
                "plan_name", planName == null ? s.planId() : planName,
                "price", Formats.money(s.priceMinor(), s.currency(), locale),
                "period_end", Formats.date(s.currentPeriodEnd(), locale))));
    }

    /** The subscription this payment started: its first charge, now active (a renewal or a plan change confirms nothing new). */
    private Optional<Subscription> startedBy(Payment payment) {
        Optional<Subscription> subscription = subscriptions.find(payment.purposeRef());
        boolean first = subscription.isPresent() && subscriptions.charges(subscription.get().id()).stream()
                .anyMatch(c -> payment.id().equals(c.paymentId()) && FIRST_CHARGE.equals(c.kind()));
        return subscription.filter(s -> first && Subscription.ACTIVE.equals(s.status()));
    }
}
