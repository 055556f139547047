package io.tollgate.console;

import io.tollgate.organizations.Organization;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageResult;
import io.tollgate.webhooks.CreatedWebhookEndpoint;
import io.tollgate.webhooks.CreatedWebhookSource;
import io.tollgate.webhooks.InboundScheme;
import io.tollgate.webhooks.WebhookDeliveries;
import io.tollgate.webhooks.WebhookEndpoint;
import io.tollgate.webhooks.WebhookEndpointRequest;
import io.tollgate.webhooks.WebhookEndpoints;
import io.tollgate.webhooks.WebhookSettings;
import io.tollgate.webhooks.WebhookSourceRequest;
import io.tollgate.webhooks.WebhookSources;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * An organization's webhooks: its endpoints (with the secret shown once), the low-credits setting, its
 * inbound sources; an endpoint's attempt log, undelivered events, resend, recover, test event and
 * success rate; a source's received events. Everything goes through the webhooks module's services.
 */
@Controller
class WebhooksController {
    static final List<Long> OVERLAPS = List.of(0L, 3600L, 86_400L, 7 * 86_400L);
    private final Organizations organizations;
    private final WebhookEndpoints endpoints;
    private final WebhookDeliveries deliveries;
    private final WebhookSources sources;
    private final Checks checks;

    WebhooksController(Organizations organizations, WebhookEndpoints endpoints, WebhookDeliveries deliveries, WebhookSources sources,
                       Checks checks) {
        this.organizations = organizations;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.sources = sources;
        this.checks = checks;
    }

    private static String home(String organizationId) {
        return "redirect:/console/organizations/" + organizationId + "/webhooks";
    }

    private static String endpointPage(String organizationId, String endpointId) {
        return home(organizationId) + "/" + endpointId;
    }

    @GetMapping("/console/organizations/{id}/webhooks")
    String overview(@PathVariable String id, @RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        Organization organization = organizations.get(id);
        PageResult<WebhookEndpoint> list = endpoints.list(id, Forms.page(page));
        model.addAttribute("organization", organization);
        model.addAttribute("endpoints", list.items());
        model.addAttribute("pager", Forms.pager(list.pagination(), request));
        model.addAttribute("sources", sources.list(id, Forms.page(1)).items());
        model.addAttribute("threshold", endpoints.settings(id).creditsLowThreshold().orElse(null));
        model.addAttribute("schemes", InboundScheme.values());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
        if (!model.containsAttribute("form")) model.addAttribute("form", Map.of());
        return "console/webhooks";
    }

    @PostMapping("/console/organizations/{id}/webhooks")
    String create(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        WebhookEndpointRequest request = endpointRequest(params, errors, true);
        if (errors.isEmpty()) {
            try {
                CreatedWebhookEndpoint created = endpoints.create(id, request);
                redirect.addFlashAttribute("newSecret", created.secret());
                redirect.addFlashAttribute("notice", "Created the endpoint. Copy its signing secret now: it is shown this once.");
                return endpointPage(id, created.endpoint().id());
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
                if (errors.isEmpty()) errors.put("_form", e.getMessage());
            }
        }
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("form", params);
        redirect.addFlashAttribute("problem", "The endpoint was not created: " + Forms.describe(errors));
        return home(id) + "#new-endpoint";
    }

    @PostMapping("/console/organizations/{id}/webhooks/settings")
    String settings(@PathVariable String id, @RequestParam(name = "credits_low_threshold", required = false) String threshold,
                    RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        Long value = Forms.number("credits_low_threshold", threshold, errors);
        WebhookSettings settings = new WebhookSettings(Optional.ofNullable(value));
        checks.validate(settings, errors);
        if (errors.isEmpty()) {
            endpoints.updateSettings(id, settings);
            redirect.addFlashAttribute("notice", value == null ? "credits.low is off." : "credits.low is sent below " + value + " credits.");
        } else {
            redirect.addFlashAttribute("problem", "Not saved: " + Forms.describe(errors));
        }
        return home(id);
    }

    @GetMapping("/console/organizations/{id}/webhooks/{endpointId}")
    String endpoint(@PathVariable String id, @PathVariable String endpointId, @RequestParam(name = "attempts_page", required = false) Integer attemptsPage,
                    @RequestParam(name = "undelivered_page", required = false) Integer undeliveredPage, HttpServletRequest request, Model model) {
        model.addAttribute("organization", organizations.get(id));
        model.addAttribute("endpoint", endpoints.get(id, endpointId));
        model.addAttribute("stats", deliveries.stats(id, endpointId));
        var attempts = deliveries.attempts(id, endpointId, null, Forms.page(attemptsPage));
        model.addAttribute("attempts", attempts.items());
        model.addAttribute("attemptsPager", Forms.pager(attempts.pagination(), request, "attempts_page", "attempts"));
        var undelivered = deliveries.deliveries(id, endpointId, "undelivered", Forms.page(undeliveredPage));
        model.addAttribute("undelivered", undelivered.items());
        model.addAttribute("undeliveredPager", Forms.pager(undelivered.pagination(), request, "undelivered_page", "undelivered"));
        model.addAttribute("overlaps", OVERLAPS);
        model.addAttribute("now", Instant.now());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
        return "console/webhook";
    }

    @PostMapping("/console/organizations/{id}/webhooks/{endpointId}")
    String update(@PathVariable String id, @PathVariable String endpointId, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        WebhookEndpointRequest request = endpointRequest(params, errors, false);
        if (errors.isEmpty()) {
            try {
                endpoints.update(id, endpointId, request);
                redirect.addFlashAttribute("notice", "Saved.");
                return endpointPage(id, endpointId);
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("problem", "Not saved: " + Forms.describe(errors));
        return endpointPage(id, endpointId);
    }

    /** Switch on (also enables a disabled endpoint) or off. */
    @PostMapping("/console/organizations/{id}/webhooks/{endpointId}/active")
    String active(@PathVariable String id, @PathVariable String endpointId, @RequestParam boolean active, RedirectAttributes redirect) {
        Roles.requireWriter();
        endpoints.update(id, endpointId, new WebhookEndpointRequest(null, null, null, active, null, null, null, null));
        redirect.addFlashAttribute("notice", active ? "Enabled. Held events wait until you recover them." : "Switched off: events are held for it.");
        return endpointPage(id, endpointId);
    }

    @PostMapping("/console/organizations/{id}/webhooks/{endpointId}/test")
    String test(@PathVariable String id, @PathVariable String endpointId, RedirectAttributes redirect) {
        Roles.requireWriter();
        try {
            redirect.addFlashAttribute("notice", "Sent test event " + deliveries.sendTest(id, endpointId) + ".");
        } catch (ApiException e) {
            if (e.status().value() == 404) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return endpointPage(id, endpointId);
    }

    @PostMapping("/console/organizations/{id}/webhooks/{endpointId}/rotate")
    String rotate(@PathVariable String id, @PathVariable String endpointId, @RequestParam(name = "overlap_seconds") String overlap,
                  RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        Long seconds = Forms.number("overlap_seconds", overlap, errors);
        if (seconds == null || !OVERLAPS.contains(seconds)) {
            redirect.addFlashAttribute("problem", "Choose one of the offered overlaps.");
            return endpointPage(id, endpointId);
        }
        redirect.addFlashAttribute("newSecret", endpoints.rotateSecret(id, endpointId, seconds).secret());
        redirect.addFlashAttribute("notice", "Rotated. Copy the new secret now: it is shown this once.");
        return endpointPage(id, endpointId);
    }

    @PostMapping("/console/organizations/{id}/webhooks/{endpointId}/recover")
    String recover(@PathVariable String id, @PathVariable String endpointId, @RequestParam(required = false) String since,
                   RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        Instant from = Forms.instant("since", since, errors);
        if (from == null) {
            redirect.addFlashAttribute("problem", "Recover since: " + errors.getOrDefault("since", "is required"));
            return endpointPage(id, endpointId);
        }
        try {
            redirect.addFlashAttribute("notice", "Sending " + deliveries.recover(id, endpointId, from) + " events again.");
        } catch (ApiException e) {
            if (e.status().value() == 404) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return endpointPage(id, endpointId);
    }

    @PostMapping("/console/organizations/{id}/webhooks/{endpointId}/deliveries/{eventId}/resend")
    String resend(@PathVariable String id, @PathVariable String endpointId, @PathVariable String eventId, RedirectAttributes redirect) {
        Roles.requireWriter();
        try {
            deliveries.resend(id, endpointId, eventId);
            redirect.addFlashAttribute("notice", "Resending " + eventId + ".");
        } catch (ApiException e) {
            if (e.status().value() == 404 && !e.getMessage().contains("webhook_event")) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return endpointPage(id, endpointId);
    }

    @PostMapping("/console/organizations/{id}/webhooks/{endpointId}/delete")
    String delete(@PathVariable String id, @PathVariable String endpointId, RedirectAttributes redirect) {
        Roles.requireWriter();
        endpoints.delete(id, endpointId);
        redirect.addFlashAttribute("notice", "Deleted the endpoint; its log is kept.");
        return home(id);
    }

    @PostMapping("/console/organizations/{id}/webhook-sources")
    String createSource(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        InboundScheme scheme = AppsController.parseField(InboundScheme.class, params.get("scheme"), "scheme", errors);
        WebhookSourceRequest request = new WebhookSourceRequest(Forms.blankToNull(params.get("name")), scheme,
                Forms.blankToNull(params.get("secret")), Forms.blankToNull(params.get("signature_header")), null,
                "on".equals(params.get("forward")), true);
        checks.validate(request, errors);
        if (errors.isEmpty()) {
            try {
                CreatedWebhookSource created = sources.create(id, request);
                if (created.secret() != null) redirect.addFlashAttribute("newSecret", created.secret());
                redirect.addFlashAttribute("notice", "Created the source. Providers post to " + created.source().inboundPath()
                        + (created.secret() != null ? "; copy its secret now: it is shown this once." : "."));
                return home(id) + "#sources";
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        redirect.addFlashAttribute("problem", "The source was not created: " + Forms.describe(errors));
        return home(id) + "#sources";
    }

    @GetMapping("/console/organizations/{id}/webhook-sources/{sourceId}")
    String source(@PathVariable String id, @PathVariable String sourceId, @RequestParam(required = false) String status,
                  @RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        String filter = Forms.blankToNull(status);
        if (filter != null && !WebhookSources.STATUSES.contains(filter)) filter = null;
        model.addAttribute("organization", organizations.get(id));
        model.addAttribute("source", sources.get(id, sourceId));
        var events = sources.events(id, sourceId, filter, Forms.page(page));
        model.addAttribute("events", events.items());
        model.addAttribute("pager", Forms.pager(events.pagination(), request));
        model.addAttribute("status", filter == null ? "" : filter);
        model.addAttribute("statuses", WebhookSources.STATUSES.stream().sorted().toList());
        return "console/webhook-source";
    }

    @PostMapping("/console/organizations/{id}/webhook-sources/{sourceId}/events/{eventId}/retry")
    String retry(@PathVariable String id, @PathVariable String sourceId, @PathVariable String eventId, RedirectAttributes redirect) {
        Roles.requireWriter();
        try {
            sources.retry(id, sourceId, eventId);
            redirect.addFlashAttribute("notice", "Processing " + eventId + " again.");
        } catch (ApiException e) {
            if (e.status().value() == 404) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/console/organizations/" + id + "/webhook-sources/" + sourceId;
    }

    @PostMapping("/console/organizations/{id}/webhook-sources/{sourceId}/delete")
    String deleteSource(@PathVariable String id, @PathVariable String sourceId, RedirectAttributes redirect) {
        Roles.requireWriter();
        sources.delete(id, sourceId);
        redirect.addFlashAttribute("notice", "Deleted the source: its path stops accepting.");
        return home(id) + "#sources";
    }

    /** The endpoint form's fields; on create url and event types are required, on edit absent (blank) ones keep their value. */
    private WebhookEndpointRequest endpointRequest(Map<String, String> params, Map<String, String> errors, boolean create) {
        String url = Forms.text("url", params.get("url"), errors);
        String typesText = Forms.text("event_types", params.get("event_types"), errors);
        List<String> types = typesText == null ? null : Arrays.stream(typesText.split("[,\\s]+")).filter(t -> !t.isBlank()).toList();
        String description = Forms.text("description", params.get("description"), errors);
        Integer rate = Forms.integer("rate_limit_per_second", params.get("rate_limit_per_second"), errors);
        if (create && url == null) errors.putIfAbsent("url", "is required");
        if (create && types == null) errors.putIfAbsent("event_types", "name at least one event type, a family such as payment.*, or *");
        WebhookEndpointRequest request = new WebhookEndpointRequest(url,
                create && description == null ? null : Optional.ofNullable(description), types, null,
                create && rate == null ? null : Optional.ofNullable(rate), null, "on".equals(params.get("ordered")), null);
        checks.validate(request, errors);
        return request;
    }
}
