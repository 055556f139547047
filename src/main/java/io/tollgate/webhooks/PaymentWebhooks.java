package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.lower;
import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** payment.* from the payments module's events, published inside the settling transaction. */
@Component
class PaymentWebhooks {
    private final Outbox outbox;

    PaymentWebhooks(Outbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    void succeeded(PaymentEvents.Succeeded e) {
        outbox.publish(e.payment().organizationId(), "payment.succeeded", () -> data(e.payment()));
    }

    @EventListener
    void failed(PaymentEvents.Failed e) {
        outbox.publish(e.payment().organizationId(), "payment.failed", () -> data(e.payment()));
    }

    @EventListener
    void refunded(PaymentEvents.Refunded e) {
        outbox.publish(e.payment().organizationId(), "payment.refunded", () -> {
            Map<String, Object> data = data(e.payment());
            data.put("refunded_now_minor", e.refundedNowMinor());
            return data;
        });
    }

    static Map<String, Object> data(Payment p) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", p.id());
        data.put("status", lower(p.status()));
        data.put("amount_minor", p.amountMinor());
        data.put("currency", p.currency());
        data.put("provider", lower(p.provider()));
        data.put("purpose", lower(p.purpose()));
        data.put("purpose_ref", p.purposeRef());
        data.put("credits", p.credits());
        data.put("payer_type", p.payerType());
        data.put("payer_id", p.payerId());
        data.put("app_id", p.appId());
        data.put("refunded_minor", p.refundedMinor());
        data.put("failure_code", p.failureCode());
        data.put("failure_message", p.failureMessage());
        data.put("created_at", text(p.createdAt()));
        data.put("settled_at", text(p.settledAt()));
        return data;
    }
}
