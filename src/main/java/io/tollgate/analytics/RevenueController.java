package io.tollgate.analytics;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.billing.Mrr;
import io.tollgate.metering.UsageReports;
import io.tollgate.payments.PaymentReports;
import io.tollgate.platform.Envelope;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The platform's revenue: money received through providers (net of refunds), money charged per
 * request (billed on invoices), credits consumed, and MRR — per day, app, feature and payment method.
 */
@RestController
@Tag(name = "Admin: revenue")
class RevenueController {
    private final PaymentReports payments;
    private final UsageReports usage;
    private final Mrr mrr;
    private final Clock clock;

    RevenueController(PaymentReports payments, UsageReports usage, Mrr mrr, Clock clock) {
        this.payments = payments;
        this.usage = usage;
        this.mrr = mrr;
        this.clock = clock;
    }

    public record Currency(String currency, long receivedMinor, long refundedMinor, long netReceivedMinor, long chargedPerRequestMinor,
                           long costMinor) {}
    public record Report(LocalDate from, LocalDate to, List<Currency> totals, long creditsConsumed,
                         List<PaymentReports.Money> paymentsByDay, List<PaymentReports.Money> paymentsByMethod,
                         List<PaymentReports.Money> paymentsByPurpose, List<PaymentReports.Money> paymentsByApp,
                         List<UsageReports.Sum> chargesByDay, List<UsageReports.Sum> chargesByFeature, List<UsageReports.Sum> chargesByApp,
                         List<Mrr.ByCurrency> mrr) {}

    @GetMapping("/api/admin/revenue")
    @Operation(summary = "Revenue by day, app, feature and payment method",
            description = "from/to are inclusive UTC dates (default the last 30 days). Money in minor units per currency.")
    Envelope<Report> revenue(@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                             @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        DateRange range = DateRange.of(from, to, clock);
        List<PaymentReports.Money> byMethod = payments.received(range.from(), range.to(), "provider", null);
        List<UsageReports.Sum> byFeature = usage.totals(range.from(), range.to(), "feature");
        Map<String, long[]> perCurrency = new TreeMap<>();
        for (PaymentReports.Money m : byMethod) {
            long[] t = perCurrency.computeIfAbsent(m.currency(), c -> new long[4]);
            t[0] += m.paidMinor();
            t[1] += m.refundedMinor();
        }
        long credits = 0;
        for (UsageReports.Sum s : byFeature) {
            credits += s.creditsUsed();
            if (s.currency() == null) continue;
            long[] t = perCurrency.computeIfAbsent(s.currency(), c -> new long[4]);
            t[2] += s.chargeMinor();
            t[3] += s.costMinor();
        }
        List<Currency> totals = perCurrency.entrySet().stream()
                .map(e -> new Currency(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[0] - e.getValue()[1], e.getValue()[2], e.getValue()[3]))
                .toList();
        return Envelope.ok(new Report(range.from(), range.to(), totals, credits,
                payments.received(range.from(), range.to(), "day", null), byMethod,
                payments.received(range.from(), range.to(), "purpose", null), payments.received(range.from(), range.to(), "app_id", null),
                usage.totals(range.from(), range.to(), "day"), byFeature, usage.totals(range.from(), range.to(), "app_id"), mrr.byCurrency()));
    }

    public record MrrReport(List<Mrr.ByCurrency> mrr, List<Mrr.ByPlan> byPlan) {}

    @GetMapping("/api/admin/revenue/mrr")
    @Operation(summary = "Monthly recurring revenue", description = "Seed 001: the sum of active subscriptions' prices (yearly plans at a twelfth), per currency")
    Envelope<MrrReport> mrr() {
        return Envelope.ok(new MrrReport(mrr.byCurrency(), mrr.byPlan()));
    }
}
