package io.tollgate.console;

import io.tollgate.integrations.CallLogs;
import io.tollgate.integrations.Connection;
import io.tollgate.integrations.ConnectionAnalytics;
import io.tollgate.integrations.ConnectionRateLimits;
import io.tollgate.integrations.ConnectionResilience;
import io.tollgate.integrations.ConnectionStatus;
import io.tollgate.integrations.Connections;
import io.tollgate.integrations.Credentials;
import io.tollgate.integrations.DailyAnalytics;
import io.tollgate.integrations.HealthChecks;
import io.tollgate.integrations.HealthStatus;
import io.tollgate.integrations.OAuthConnections;
import io.tollgate.integrations.ProviderType;
import io.tollgate.integrations.Providers;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The integrations hub for operators: every organization's connections (health, status), one connection's page
 * (credentials with rotation due marked, limits and their usage, health history, call logs, analytics chart, the
 * actions: check now, activate, deactivate, authorize with OAuth), the provider catalog, and credentials due.
 */
@Controller
class IntegrationsPagesController {
    private final Connections connections;
    private final Providers providers;
    private final Credentials credentials;
    private final HealthChecks health;
    private final ConnectionRateLimits limits;
    private final CallLogs logs;
    private final ConnectionAnalytics analytics;
    private final ConnectionResilience resilience;
    private final OAuthConnections oauth;
    private final Clock clock;
    private final String publicUrl;

    IntegrationsPagesController(Connections connections, Providers providers, Credentials credentials, HealthChecks health,
                                ConnectionRateLimits limits, CallLogs logs, ConnectionAnalytics analytics, ConnectionResilience resilience,
                                OAuthConnections oauth, Clock clock, @Value("${tollgate.public-url:}") String publicUrl) {
        this.connections = connections;
        this.providers = providers;
        this.credentials = credentials;
        this.health = health;
        this.limits = limits;
        this.logs = logs;
        this.analytics = analytics;
        this.resilience = resilience;
        this.oauth = oauth;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    @GetMapping("/console/integrations")
    String list(@RequestParam(required = false) String provider, @RequestParam(required = false) String status,
                @RequestParam(name = "health_status", required = false) String healthStatus, @RequestParam(required = false) Integer page,
                @RequestParam(required = false) String problem, HttpServletRequest request, Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        ConnectionStatus s = AppsController.parseField(ConnectionStatus.class, Forms.blankToNull(status), "status", errors);
        HealthStatus h = AppsController.parseField(HealthStatus.class, Forms.blankToNull(healthStatus), "health_status", errors);
        PageResult<Connection> result = connections.list(null, Forms.page(page), Forms.blankToNull(provider), s, null, h);
        model.addAttribute("connections", result.items());
        model.addAttribute("pager", Forms.pager(result.pagination(), request));
        model.addAttribute("provider", provider == null ? "" : provider);
        model.addAttribute("status", status == null ? "" : status);
        model.addAttribute("healthStatus", healthStatus == null ? "" : healthStatus);
        model.addAttribute("statuses", ConnectionStatus.values());
        model.addAttribute("healths", HealthStatus.values());
        model.addAttribute("due", credentials.due(null, 0, PageQuery.of(1, 1)).pagination().total());
        if (problem != null && !Forms.hasControlCharacters(problem)) model.addAttribute("problem", problem.length() > 300 ? problem.substring(0, 300) : problem);
        if (!errors.isEmpty()) model.addAttribute("problem", "Unknown filter value: " + String.join(", ", errors.keySet()));
        return "console/integrations";
    }

    @GetMapping("/console/integrations/providers")
    String providers(@RequestParam(required = false) String type, @RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        ProviderType t = AppsController.parseField(ProviderType.class, Forms.blankToNull(type), "type", errors);
        var result = providers.list(Forms.page(page), t, null);
        model.addAttribute("providers", result.items());
        model.addAttribute("pager", Forms.pager(result.pagination(), request));
        model.addAttribute("types", ProviderType.values());
        model.addAttribute("type", type == null ? "" : type);
        return "console/integration-providers";
    }

    @GetMapping("/console/integrations/credentials/due")
    String due(@RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        var result = credentials.due(null, 0, Forms.page(page));
        model.addAttribute("due", result.items());
        model.addAttribute("pager", Forms.pager(result.pagination(), request));
        return "console/integration-due";
    }

    @GetMapping("/console/integrations/{id}")
    String connection(@PathVariable String id, @RequestParam(required = false) String source, @RequestParam(required = false) String status,
                      @RequestParam(name = "logs_page", required = false) Integer logsPage, @RequestParam(required = false) String oauth,
                      HttpServletRequest request, Model model) {
        Connection c = find(id);
        String org = c.organizationId();
        model.addAttribute("c", connections.get(org, id));
        model.addAttribute("provider", providers.get(c.providerId()));
        model.addAttribute("credentials", credentials.list(org, id));
        model.addAttribute("limits", limits.list(org, id));
        model.addAttribute("checks", health.history(org, id, PageQuery.of(1, 10)).items());
        model.addAttribute("breaker", resilience.state(id));
        model.addAttribute("oauthStatus", this.oauth.status(org, id));
        String src = Forms.blankToNull(source);
        String st = Forms.blankToNull(status);
        PageResult<io.tollgate.integrations.CallLog> page;
        try {
            page = logs.list(org, id, new CallLogs.Filter(src, null, null, st, null, null, null), Forms.page(logsPage));
        } catch (ApiException e) {
            model.addAttribute("problem", e.getMessage());
            page = logs.list(org, id, new CallLogs.Filter(null, null, null, null, null, null, null), Forms.page(1));
        }
        model.addAttribute("logs", page.items());
        model.addAttribute("logsPager", Forms.pager(page.pagination(), request, "logs_page", "logs"));
        model.addAttribute("source", src == null ? "" : src);
        model.addAttribute("logStatus", st == null ? "" : st);
        List<DailyAnalytics> days = analytics.daily(org, id, null, null);
        model.addAttribute("days", days);
        model.addAttribute("jsonUrl", "/console/integrations/" + id + "/analytics.json");
        if ("active".equals(oauth)) model.addAttribute("notice", "Authorized and activated.");
        else if (oauth != null) model.addAttribute("problem", "Authorized, but the activation check failed: see the connection's error.");
        return "console/integration";
    }

    /** The analytics charts' data: requests and failures per day, p95 latency, uptime. */
    @GetMapping(value = "/console/integrations/{id}/analytics.json", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> analyticsJson(@PathVariable String id) {
        Connection c = find(id);
        Map<LocalDate, DailyAnalytics> byDay = new HashMap<>();
        analytics.daily(c.organizationId(), id, null, null).forEach(d -> byDay.put(d.date(), d));
        LocalDate to = LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
        List<String> labels = new ArrayList<>();
        List<Long> total = new ArrayList<>(), failed = new ArrayList<>(), p95 = new ArrayList<>(), uptime = new ArrayList<>();
        for (LocalDate day = to.minusDays(29); !day.isAfter(to); day = day.plusDays(1)) {
            DailyAnalytics d = byDay.get(day);
            labels.add(day.toString());
            total.add(d == null ? 0 : d.totalRequests());
            failed.add(d == null ? 0 : d.failedRequests());
            p95.add(d == null || d.p95ResponseTimeMs() == null ? 0 : d.p95ResponseTimeMs().longValue());
            uptime.add(d == null || d.uptimePercent() == null ? 0 : d.uptimePercent().longValue());
        }
        Map<String, Object> charts = new LinkedHashMap<>();
        charts.put("requests_per_day", Charts.of("line", labels, new Charts.Dataset("Requests", total), new Charts.Dataset("Failed", failed)).json());
        charts.put("p95_per_day", Charts.of("bar", labels, new Charts.Dataset("p95 response time (ms)", p95)).json());
        charts.put("uptime_per_day", Charts.of("line", labels, new Charts.Dataset("Uptime (%)", uptime)).json());
        return Map.of("charts", charts);
    }

    @PostMapping("/console/integrations/{id}/check")
    String check(@PathVariable String id, RedirectAttributes redirect) {
        Roles.requireWriter();
        Connection c = find(id);
        var result = health.run(c.organizationId(), id, null);
        redirect.addFlashAttribute(result.status() == HealthStatus.DOWN ? "problem" : "notice",
                "Checked: " + result.status().name().toLowerCase() + (result.errorMessage() == null ? "" : " — " + result.errorMessage()));
        return "redirect:/console/integrations/" + id;
    }

    @PostMapping("/console/integrations/{id}/activate")
    String activate(@PathVariable String id, RedirectAttributes redirect) {
        Roles.requireWriter();
        Connection c = find(id);
        try {
            Connection after = health.activate(c.organizationId(), id);
            redirect.addFlashAttribute(after.status() == ConnectionStatus.ACTIVE ? "notice" : "problem",
                    after.status() == ConnectionStatus.ACTIVE ? "Activated." : after.errorMessage());
        } catch (ApiException e) {
            if (e.status().value() == 404) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/console/integrations/" + id;
    }

    @PostMapping("/console/integrations/{id}/deactivate")
    String deactivate(@PathVariable String id, RedirectAttributes redirect) {
        Roles.requireWriter();
        Connection c = find(id);
        connections.deactivate(c.organizationId(), id);
        redirect.addFlashAttribute("notice", "Deactivated: no calls and no checks until it is activated again.");
        return "redirect:/console/integrations/" + id;
    }

    /** Starts an OAuth authorization in this browser; the provider sends it back to this connection's page. */
    @PostMapping("/console/integrations/{id}/authorize")
    String authorize(@PathVariable String id, RedirectAttributes redirect) {
        Roles.requireWriter();
        Connection c = find(id);
        try {
            String base = publicUrl != null && !publicUrl.isBlank() ? publicUrl : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
            return "redirect:" + oauth.authorize(c.organizationId(), id, base, "console").authorizationUrl();
        } catch (ApiException e) {
            if (e.status().value() == 404) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
            return "redirect:/console/integrations/" + id;
        }
    }

    private Connection find(String id) {
        return connections.findAny(id).orElseThrow(() -> ApiException.notFound("connection", id));
    }
}
