package io.tollgate.console;

import io.tollgate.apps.Application;
import io.tollgate.apps.Applications;
import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUsers;
import io.tollgate.metering.UsageReports;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Usage dashboards, overall and per app: calls and errors per day, per feature, top users. Pages and
 * their chart JSON read the daily rollups only (usage_daily, usage_daily_users), never usage_events.
 */
@Controller
class UsageController {
    static final int TOP_USERS = 10;
    private final UsageReports reports;
    private final Applications applications;
    private final EndUsers endUsers;
    private final Clock clock;

    UsageController(UsageReports reports, Applications applications, EndUsers endUsers, Clock clock) {
        this.reports = reports;
        this.applications = applications;
        this.endUsers = endUsers;
        this.clock = clock;
    }

    record UserLabel(String appId, String appName, String userId, String who, String label, long calls, long creditsUsed) {}

    record Dashboard(Application app, Range range, UsageReports.Usage usage, List<UserLabel> topUsers) {}

    @GetMapping("/console/usage")
    String overall(@RequestParam(required = false) String from, @RequestParam(required = false) String to, Model model) {
        return page(null, from, to, model);
    }

    @GetMapping("/console/apps/{id}/usage")
    String perApp(@PathVariable String id, @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                  Model model) {
        return page(applications.get(id), from, to, model);
    }

    private String page(Application app, String from, String to, Model model) {
        Dashboard dashboard = dashboard(app, Range.of(from, to, clock));
        model.addAttribute("app", app);
        model.addAttribute("range", dashboard.range());
        model.addAttribute("usage", dashboard.usage());
        model.addAttribute("topUsers", dashboard.topUsers());
        // Calls through the gateway: latency to the upstream's first byte and its error rate, per feature.
        model.addAttribute("upstream", reports.upstream(app == null ? null : app.id(), dashboard.range().from(), dashboard.range().to(), null));
        model.addAttribute("action", app == null ? "/console/usage" : "/console/apps/" + app.id() + "/usage");
        model.addAttribute("jsonUrl", "/console/usage.json?" + (app == null ? "" : "app=" + app.id() + "&")
                + "from=" + dashboard.range().from() + "&to=" + dashboard.range().to());
        return "console/usage";
    }

    /** The charts' data. */
    @GetMapping(value = "/console/usage.json", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> json(@RequestParam(required = false) String app, @RequestParam(required = false) String from,
                             @RequestParam(required = false) String to) {
        Application application = app == null || app.isBlank() ? null : applications.get(app);
        Dashboard d = dashboard(application, Range.of(from, to, clock));
        List<String> days = new ArrayList<>();
        Map<LocalDate, UsageReports.DayRow> byDay = new HashMap<>();
        d.usage().byDay().forEach(r -> byDay.put(r.date(), r));
        List<Long> calls = new ArrayList<>(), errors = new ArrayList<>(), credits = new ArrayList<>();
        for (LocalDate day = d.range().from(); !day.isAfter(d.range().to()); day = day.plusDays(1)) {
            days.add(day.toString());
            UsageReports.DayRow row = byDay.get(day);
            calls.add(row == null ? 0 : row.calls());
            errors.add(row == null ? 0 : row.errors());
            credits.add(row == null ? 0 : row.creditsUsed());
        }
        List<String> features = d.usage().byFeature().stream().map(UsageReports.FeatureRow::feature).toList();
        Map<String, Object> charts = new LinkedHashMap<>();
        charts.put("calls_per_day", Charts.of("line", days, new Charts.Dataset("Calls", calls), new Charts.Dataset("Errors", errors)).json());
        charts.put("errors_per_day", Charts.of("bar", days, new Charts.Dataset("Errors", errors)).json());
        charts.put("credits_per_day", Charts.of("bar", days, new Charts.Dataset("Credits used", credits)).json());
        charts.put("calls_per_feature", Charts.of("bar", features,
                new Charts.Dataset("Calls", d.usage().byFeature().stream().map(UsageReports.FeatureRow::calls).toList()),
                new Charts.Dataset("Errors", d.usage().byFeature().stream().map(UsageReports.FeatureRow::errors).toList())).json());
        charts.put("top_users", Charts.of("bar", d.topUsers().stream().map(UserLabel::label).toList(),
                new Charts.Dataset("Calls", d.topUsers().stream().map(UserLabel::calls).toList())).json());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("app_id", application == null ? null : application.id());
        json.put("from", d.range().from().toString());
        json.put("to", d.range().to().toString());
        json.put("totals", Map.of("calls", d.usage().totals().calls(), "errors", d.usage().totals().errors(),
                "credits_used", d.usage().totals().creditsUsed(), "avg_duration_ms", d.usage().totals().avgDurationMs()));
        json.put("charts", charts);
        return json;
    }

    private Dashboard dashboard(Application app, Range range) {
        String appId = app == null ? null : app.id();
        UsageReports.Usage usage = reports.overview(appId, range.from(), range.to());
        List<UsageReports.TopUser> top = reports.topUsers(appId, range.from(), range.to(), null, TOP_USERS);
        Map<String, String> appNames = new HashMap<>();
        List<UserLabel> labels = top.stream().map(t -> {
            String appName = appNames.computeIfAbsent(t.appId(), id -> applications.find(id).map(Application::name).orElse(id));
            String who = endUsers.find(t.appId(), t.endUserId()).map(UsageController::describe).orElse(t.endUserId());
            return new UserLabel(t.appId(), appName, t.endUserId(), who, app == null ? appName + ": " + who : who, t.calls(), t.creditsUsed());
        }).toList();
        return new Dashboard(app, range, usage, labels);
    }

    static String describe(EndUser user) {
        if (user.email() != null) return user.email();
        if (user.phone() != null) return "+" + user.phone();
        if (user.externalUserId() != null) return "external " + user.externalUserId();
        if (user.deviceId() != null) return "device " + user.deviceId();
        return user.id();
    }
}
