package io.tollgate.invoices;

import io.tollgate.billing.Subscriptions;
import io.tollgate.metering.Plans;
import io.tollgate.metering.UsageReports;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.PaymentReports;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** Gathers what belongs on an organization's invoices for a month, per currency, from the modules that know. */
@Component
class InvoiceLines {
    private final UsageReports usage;
    private final PaymentReports payments;
    private final Subscriptions subscriptions;
    private final Plans plans;

    InvoiceLines(UsageReports usage, PaymentReports payments, Subscriptions subscriptions, Plans plans) {
        this.usage = usage;
        this.payments = payments;
        this.subscriptions = subscriptions;
        this.plans = plans;
    }

    /**
     * currency → lines, in the order they print: the organization's own payments by time, the refunds
     * made in the month, then charges by feature.
     */
    Map<String, List<Invoice.Line>> forMonth(String organizationId, YearMonth month) {
        Map<String, List<Invoice.Line>> byCurrency = new TreeMap<>();
        LocalDate first = month.atDay(1);
        LocalDate last = month.atEndOfMonth();
        var from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        var to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        for (Payment p : payments.paidBetween(organizationId, from, to)) {
            if (p.purpose() == PaymentPurpose.INVOICE) continue; // it pays an invoice; it is not a charge
            List<Invoice.Line> lines = byCurrency.computeIfAbsent(p.currency(), c -> new ArrayList<>());
            String paid = "paid " + LocalDate.ofInstant(p.settledAt(), ZoneOffset.UTC) + " by " + p.provider().name().toLowerCase();
            if (p.purpose() == PaymentPurpose.SUBSCRIPTION) {
                lines.add(line(lines, "subscription", "Subscription: " + planName(p.purposeRef()) + " (" + paid + ")", 1, p.amountMinor(), p.amountMinor(), true, p.id()));
            } else {
                boolean even = p.credits() > 0 && p.amountMinor() % p.credits() == 0;
                lines.add(line(lines, "credit_purchase", p.credits() + " credits (" + paid + ")", even ? p.credits() : 1,
                        even ? p.amountMinor() / p.credits() : p.amountMinor(), p.amountMinor(), true, p.id()));
            }
        }
        // A refund shows in the month it was made: one after an invoice was issued is a credit line on the next.
        for (PaymentReports.Refund r : payments.refundsBetween(organizationId, from, to)) {
            Payment p = r.payment();
            if (p.purpose() == PaymentPurpose.INVOICE) continue;
            List<Invoice.Line> lines = byCurrency.computeIfAbsent(p.currency(), c -> new ArrayList<>());
            String when = " (paid " + LocalDate.ofInstant(p.settledAt(), ZoneOffset.UTC) + ", refunded " + LocalDate.ofInstant(r.refundedAt(), ZoneOffset.UTC) + ")";
            lines.add(line(lines, "refund", "Refund of " + p.id() + when, 1, -r.amountMinor(), -r.amountMinor(), true, p.id()));
        }
        for (UsageReports.Charge c : usage.charges(organizationId, first, last)) {
            List<Invoice.Line> lines = byCurrency.computeIfAbsent(c.currency(), k -> new ArrayList<>());
            boolean even = c.calls() > 0 && c.chargeMinor() % c.calls() == 0;
            lines.add(line(lines, "per_request", c.feature() + ": " + c.calls() + " charged calls", even ? c.calls() : 1,
                    even ? c.chargeMinor() / c.calls() : c.chargeMinor(), c.chargeMinor(), false, c.feature()));
        }
        return byCurrency;
    }

    private String planName(String subscriptionId) {
        if (subscriptionId == null) return "plan";
        try {
            String planId = subscriptions.get(subscriptionId).planId();
            return plans.find(planId).map(p -> p.name()).orElse(planId);
        } catch (RuntimeException gone) {
            return subscriptionId;
        }
    }

    private static Invoice.Line line(List<Invoice.Line> lines, String kind, String description, long quantity, long unit, long amount,
                                     boolean prepaid, String reference) {
        return new Invoice.Line(lines.size() + 1, kind, description, quantity, unit, amount, prepaid, reference);
    }
}
