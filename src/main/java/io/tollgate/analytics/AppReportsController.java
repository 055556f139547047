package io.tollgate.analytics;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.apps.Applications;
import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUsers;
import io.tollgate.metering.UsageReports;
import io.tollgate.payments.PaymentReports;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 000's per-app statistics: usage, revenue, users. */
@RestController
@RequestMapping("/api/external-apps/{appId}")
@Tag(name = "Admin: external apps")
class AppReportsController {
    private final Applications applications;
    private final UsageReports reports;
    private final EndUsers endUsers;
    private final PaymentReports payments;
    private final Clock clock;

    AppReportsController(Applications applications, UsageReports reports, EndUsers endUsers, PaymentReports payments, Clock clock) {
        this.payments = payments;
        this.applications = applications;
        this.reports = reports;
        this.endUsers = endUsers;
        this.clock = clock;
    }

    /** upstreamByFeature: calls through the gateway per feature — latency p50/p95 to the upstream's first byte and its error rate. */
    public record UsageReport(String appId, LocalDate from, LocalDate to, String feature, String endUserId, UsageReports.Totals totals,
                              List<UsageReports.DayRow> byDay, List<UsageReports.FeatureRow> byFeature, List<UsageReports.TopUser> topUsers,
                              List<UsageReports.UpstreamFigures> upstreamByFeature) {}
    public record RevenueReport(String appId, LocalDate from, LocalDate to, List<UsageReports.Money> charged,
                                List<UsageReports.Money> cost, long creditsUsed, List<UsageReports.RevenueDay> byDay,
                                List<UsageReports.RevenueFeature> byFeature, List<PaymentReports.Money> paymentsByDay,
                                List<PaymentReports.Money> paymentsByMethod) {}
    public record AppUser(EndUser user, UsageReports.UserTotals usage) {}

    /** end_users.kind's values (seed 000's user kinds). */
    static final List<String> USER_KINDS = List.of("registered", "anonymous", "external");

    @GetMapping("/usage")
    @Operation(summary = "App usage statistics", description = "Calls, errors and credits by day and feature, and the top 10 end users; "
            + "for features behind the gateway also upstream_by_feature: upstream calls, upstream errors and error_rate, p50/p95 latency to "
            + "the upstream's first byte, bytes each way. from/to are inclusive UTC dates; narrow with feature and end_user_id")
    Envelope<UsageReport> usage(@PathVariable String appId,
                                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                @RequestParam(required = false) String feature,
                                @RequestParam(name = "end_user_id", required = false) String endUserId) {
        applications.get(appId);
        DateRange range = DateRange.of(from, to, clock);
        UsageReports.Usage usage = reports.usage(appId, range.from(), range.to(), feature, endUserId);
        List<UsageReports.TopUser> top = endUserId == null ? reports.topUsers(appId, range.from(), range.to(), feature, 10) : List.of();
        List<UsageReports.UpstreamFigures> upstream = endUserId == null ? reports.upstream(appId, range.from(), range.to(), feature) : List.of();
        return Envelope.ok(new UsageReport(appId, range.from(), range.to(), feature, endUserId, usage.totals(), usage.byDay(),
                usage.byFeature(), top, upstream));
    }

    @GetMapping("/revenue")
    @Operation(summary = "App revenue", description = "Money charged per request and credits consumed by day and feature; "
            + "payments made through the app by day and payment method (minor units per currency)")
    Envelope<RevenueReport> revenue(@PathVariable String appId,
                                    @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                    @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        applications.get(appId);
        DateRange range = DateRange.of(from, to, clock);
        UsageReports.Revenue revenue = reports.revenue(appId, range.from(), range.to());
        return Envelope.ok(new RevenueReport(appId, range.from(), range.to(), revenue.charged(), revenue.cost(),
                revenue.creditsUsed(), revenue.byDay(), revenue.byFeature(),
                payments.received(range.from(), range.to(), "day", appId), payments.received(range.from(), range.to(), "provider", appId)));
    }

    @GetMapping("/users")
    @Operation(summary = "App users", description = "End users with their usage in the date range; kind is registered, anonymous or external")
    Envelope<List<AppUser>> users(@PathVariable String appId, @RequestParam(required = false) Integer page,
                                  @RequestParam(name = "per_page", required = false) Integer perPage,
                                  @RequestParam(required = false) String search,
                                  @RequestParam(required = false) String kind,
                                  @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                  @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        applications.get(appId);
        if (kind != null && !USER_KINDS.contains(kind)) {
            throw ApiException.invalidField("kind", "must be one of: " + String.join(", ", USER_KINDS));
        }
        DateRange range = DateRange.of(from, to, clock);
        PageResult<EndUser> users = endUsers.list(appId, PageQuery.of(page, perPage), search, kind);
        Map<String, UsageReports.UserTotals> totals = reports.userTotals(appId, range.from(), range.to(),
                users.items().stream().map(EndUser::id).toList());
        UsageReports.UserTotals none = new UsageReports.UserTotals(0, 0, 0);
        return Envelope.page(users.map(u -> new AppUser(u, totals.getOrDefault(u.id(), none))));
    }
}
