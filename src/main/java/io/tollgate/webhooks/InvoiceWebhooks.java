package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.lower;
import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.invoices.Invoice;
import io.tollgate.invoices.InvoiceEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** invoice.finalized and invoice.paid, inside the transaction that issues or settles the invoice. */
@Component
class InvoiceWebhooks {
    private final Outbox outbox;

    InvoiceWebhooks(Outbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    void finalized(InvoiceEvents.Finalized e) {
        outbox.publish(e.invoice().organizationId(), "invoice.finalized", () -> data(e.invoice()));
    }

    @EventListener
    void paid(InvoiceEvents.Paid e) {
        outbox.publish(e.invoice().organizationId(), "invoice.paid", () -> data(e.invoice()));
    }

    static Map<String, Object> data(Invoice i) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", i.id());
        data.put("number", i.number());
        data.put("status", lower(i.status()));
        data.put("period_start", text(i.periodStart()));
        data.put("period_end", text(i.periodEnd()));
        data.put("currency", i.currency());
        data.put("subtotal_minor", i.subtotalMinor());
        data.put("prepaid_minor", i.prepaidMinor());
        data.put("amount_due_minor", i.amountDueMinor());
        data.put("issued_at", text(i.issuedAt()));
        data.put("due_at", text(i.dueAt()));
        data.put("paid_at", text(i.paidAt()));
        data.put("payment_id", i.paymentId());
        return data;
    }
}
