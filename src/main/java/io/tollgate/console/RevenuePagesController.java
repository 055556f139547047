package io.tollgate.console;

import io.tollgate.apps.Application;
import io.tollgate.apps.Applications;
import io.tollgate.billing.Mrr;
import io.tollgate.invoices.Invoice;
import io.tollgate.invoices.InvoiceRenderer;
import io.tollgate.invoices.Invoices;
import io.tollgate.metering.UsageReports;
import io.tollgate.organizations.Organization;
import io.tollgate.organizations.Organizations;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentReports;
import io.tollgate.payments.PaymentStatus;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Revenue: money received through payment providers (per day, per method, per purpose), money charged
 * per request (per day and feature, from the usage rollups), MRR, the payments list and invoices.
 */
@Controller
class RevenuePagesController {
    private final PaymentReports paymentReports;
    private final Payments payments;
    private final UsageReports usage;
    private final Mrr mrr;
    private final Invoices invoices;
    private final InvoiceRenderer renderer;
    private final Organizations organizations;
    private final Applications applications;
    private final Clock clock;

    RevenuePagesController(PaymentReports paymentReports, Payments payments, UsageReports usage, Mrr mrr, Invoices invoices,
                      InvoiceRenderer renderer, Organizations organizations, Applications applications, Clock clock) {
        this.paymentReports = paymentReports;
        this.payments = payments;
        this.usage = usage;
        this.mrr = mrr;
        this.invoices = invoices;
        this.renderer = renderer;
        this.organizations = organizations;
        this.applications = applications;
        this.clock = clock;
    }

    /** One currency's figures in the range. */
    record CurrencyTotals(String currency, long receivedMinor, long refundedMinor, long chargedMinor, long costMinor) {
        public long netMinor() { return receivedMinor - refundedMinor; }
    }

    @GetMapping("/console/revenue")
    String page(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                @RequestParam(name = "payment_status", required = false) String paymentStatus,
                @RequestParam(required = false) String provider, @RequestParam(required = false) Integer page,
                @RequestParam(name = "invoice_page", required = false) Integer invoicePage,
                HttpServletRequest request, Model model) {
        Range range = Range.of(from, to, clock);
        List<PaymentReports.Money> byMethod = paymentReports.received(range.from(), range.to(), "provider", null);
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
        List<CurrencyTotals> totals = perCurrency.entrySet().stream()
                .map(e -> new CurrencyTotals(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3])).toList();

        PaymentStatus statusFilter = AppsController.parse(PaymentStatus.class, paymentStatus);
        ProviderName providerFilter = AppsController.parse(ProviderName.class, provider);
        PageResult<Payment> paymentPage = payments.list(Forms.page(page),
                new Payments.Filter(null, null, null, statusFilter, providerFilter));
        PageResult<Invoice> invoicePageResult = invoices.list(Forms.page(invoicePage), null, null);
        Map<String, String> names = new HashMap<>();
        paymentPage.items().forEach(p -> {
            if (p.appId() != null) names.computeIfAbsent(p.appId(), id -> applications.find(id).map(Application::name).orElse(id));
            if (p.organizationId() != null) names.computeIfAbsent(p.organizationId(), this::organizationName);
        });
        invoicePageResult.items().forEach(i -> names.computeIfAbsent(i.organizationId(), this::organizationName));

        model.addAttribute("range", range);
        model.addAttribute("totals", totals);
        model.addAttribute("creditsConsumed", credits);
        model.addAttribute("byMethod", byMethod);
        model.addAttribute("byPurpose", paymentReports.received(range.from(), range.to(), "purpose", null));
        model.addAttribute("byFeature", byFeature);
        model.addAttribute("mrr", mrr.byCurrency());
        model.addAttribute("mrrByPlan", mrr.byPlan());
        model.addAttribute("payments", paymentPage.items());
        model.addAttribute("paymentsPager", Forms.pager(paymentPage.pagination(), request, "page", "payments"));
        model.addAttribute("invoices", invoicePageResult.items());
        model.addAttribute("invoicesPager", Forms.pager(invoicePageResult.pagination(), request, "invoice_page", "invoices"));
        model.addAttribute("names", names);
        model.addAttribute("statuses", PaymentStatus.values());
        model.addAttribute("providers", ProviderName.values());
        model.addAttribute("paymentStatus", statusFilter == null ? "" : statusFilter.name().toLowerCase());
        model.addAttribute("provider", providerFilter == null ? "" : providerFilter.name().toLowerCase());
        model.addAttribute("jsonUrl", "/console/revenue.json?from=" + range.from() + "&to=" + range.to());
        return "console/revenue";
    }

    private String organizationName(String id) {
        return organizations.find(id).map(Organization::name).orElse(id);
    }

    /** Chart data: one dataset per currency, since amounts in different currencies do not add up. */
    @GetMapping(value = "/console/revenue.json", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> json(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Range range = Range.of(from, to, clock);
        List<String> days = new ArrayList<>();
        for (LocalDate day = range.from(); !day.isAfter(range.to()); day = day.plusDays(1)) days.add(day.toString());
        Map<String, Object> charts = new LinkedHashMap<>();
        charts.put("received_per_day", perDay(days, paymentReports.received(range.from(), range.to(), "day", null).stream()
                .map(m -> new Point(m.key(), m.currency(), m.netMinor())).toList(), "received"));
        charts.put("charged_per_day", perDay(days, usage.totals(range.from(), range.to(), "day").stream()
                .filter(s -> s.currency() != null).map(s -> new Point(s.key(), s.currency(), s.chargeMinor())).toList(), "charged"));
        charts.put("charged_per_feature", byKey(usage.totals(range.from(), range.to(), "feature").stream()
                .filter(s -> s.currency() != null).map(s -> new Point(s.key(), s.currency(), s.chargeMinor())).toList(), "bar", "charged"));
        charts.put("received_per_method", byKey(paymentReports.received(range.from(), range.to(), "provider", null).stream()
                .map(m -> new Point(m.key(), m.currency(), m.netMinor())).toList(), "bar", "received"));
        charts.put("credits_per_feature", Charts.of("bar",
                usage.totals(range.from(), range.to(), "feature").stream().map(UsageReports.Sum::key).distinct().toList(),
                new Charts.Dataset("Credits used", creditsPerFeature(range))).json());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", range.from().toString());
        json.put("to", range.to().toString());
        json.put("note", "money in minor units of each dataset's currency");
        json.put("charts", charts);
        return json;
    }

    private List<Long> creditsPerFeature(Range range) {
        Map<String, Long> credits = new LinkedHashMap<>();
        usage.totals(range.from(), range.to(), "feature").forEach(s -> credits.merge(s.key(), s.creditsUsed(), Long::sum));
        return new ArrayList<>(credits.values());
    }

    record Point(String key, String currency, long amountMinor) {}

    private static Map<String, Object> perDay(List<String> days, List<Point> points, String what) {
        Map<String, Map<String, Long>> byCurrency = new TreeMap<>();
        points.forEach(p -> byCurrency.computeIfAbsent(p.currency(), c -> new HashMap<>()).merge(p.key(), p.amountMinor(), Long::sum));
        List<Charts.Dataset> sets = new ArrayList<>();
        byCurrency.forEach((currency, values) -> sets.add(new Charts.Dataset(currency + " " + what,
                days.stream().map(d -> values.getOrDefault(d, 0L)).toList())));
        return new Charts.Chart("bar", days, sets, false).json();
    }

    private static Map<String, Object> byKey(List<Point> points, String type, String what) {
        TreeSet<String> keys = new TreeSet<>();
        Map<String, Map<String, Long>> byCurrency = new TreeMap<>();
        points.forEach(p -> {
            keys.add(p.key());
            byCurrency.computeIfAbsent(p.currency(), c -> new HashMap<>()).merge(p.key(), p.amountMinor(), Long::sum);
        });
        List<String> labels = new ArrayList<>(keys);
        List<Charts.Dataset> sets = new ArrayList<>();
        byCurrency.forEach((currency, values) -> sets.add(new Charts.Dataset(currency + " " + what,
                labels.stream().map(k -> values.getOrDefault(k, 0L)).toList())));
        return new Charts.Chart(type, labels, sets, false).json();
    }

    @GetMapping(value = "/console/invoices/{id}", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    ResponseEntity<String> invoiceHtml(@PathVariable String id) {
        // The invoice document carries its own inline styles (the same HTML makes the PDF): allow those, nothing else.
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML)
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
                .body(renderer.html(invoices.get(id)));
    }

    @GetMapping(value = "/console/invoices/{id}/pdf", produces = MediaType.APPLICATION_PDF_VALUE)
    @ResponseBody
    ResponseEntity<byte[]> invoicePdf(@PathVariable String id) {
        Invoice invoice = invoices.get(id);
        String name = (invoice.number() == null ? invoice.id() : invoice.number()) + ".pdf";
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + name + "\"").body(renderer.pdf(invoice));
    }
}
