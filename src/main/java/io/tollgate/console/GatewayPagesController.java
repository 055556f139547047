package io.tollgate.console;

import io.tollgate.apps.Applications;
import io.tollgate.gateway.CreatedSigningSecret;
import io.tollgate.gateway.GatewayFeatures;
import io.tollgate.gateway.GatewaySettings;
import io.tollgate.gateway.GatewaySettingsRequest;
import io.tollgate.platform.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * A gateway feature's page: its gateway URL, its upstream's health, its settings, its credentials (write-only)
 * and its signing secret (rotated here, shown once).
 */
@Controller
class GatewayPagesController {
    private final Applications applications;
    private final GatewayFeatures gateway;
    private final Checks checks;
    private final String publicUrl;

    GatewayPagesController(Applications applications, GatewayFeatures gateway, Checks checks, @Value("${tollgate.public-url:}") String publicUrl) {
        this.applications = applications;
        this.gateway = gateway;
        this.checks = checks;
        this.publicUrl = publicUrl == null ? "" : publicUrl.replaceAll("/+$", "");
    }

    /** The one moment a signing secret exists outside the caller's hands: a flash attribute, gone after one page view. */
    record NewSecret(String value, String previousUntil) {}

    private String page(String appId, String featureId) {
        return "/console/apps/" + appId + "/features/" + featureId + "/gateway";
    }

    @GetMapping("/console/apps/{id}/features/{featureId}/gateway")
    String show(@PathVariable String id, @PathVariable String featureId, Model model) {
        model.addAttribute("app", applications.get(id));
        model.addAttribute("view", gateway.get(id, featureId,
                publicUrl.isEmpty() ? ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString() : publicUrl));
        model.addAttribute("chargeOns", GatewaySettings.ChargeOn.values());
        model.addAttribute("modes", GatewaySettings.PricingMode.values());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
        if (!model.containsAttribute("form")) model.addAttribute("form", Map.of());
        return "console/gateway";
    }

    @PostMapping("/console/apps/{id}/features/{featureId}/gateway")
    String save(@PathVariable String id, @PathVariable String featureId, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        GatewaySettingsRequest request = new GatewaySettingsRequest(
                parse(GatewaySettings.ChargeOn.class, "charge_on", params.get("charge_on"), errors),
                parse(GatewaySettings.PricingMode.class, "pricing_mode", params.get("pricing_mode"), errors),
                Forms.blankToNull(params.get("units_header")), Forms.blankToNull(params.get("units_json_pointer")),
                Forms.number("max_units", params.get("max_units"), errors), integer("connect_timeout_millis", params, errors),
                integer("first_byte_timeout_millis", params, errors), integer("max_connections", params, errors), null);
        return apply(id, featureId, request, params, errors, redirect, "Gateway settings saved.");
    }

    /** Credentials: one "Name: value" per line; saving an empty box with "remove" ticked removes them. */
    @PostMapping("/console/apps/{id}/features/{featureId}/gateway/credentials")
    String credentials(@PathVariable String id, @PathVariable String featureId, @RequestParam Map<String, String> params,
                       RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        String text = params.getOrDefault("upstream_headers", "");
        for (String line : text.split("\\R")) {
            if (line.isBlank()) continue;
            int colon = line.indexOf(':');
            if (colon < 1) {
                errors.put("upstream_headers", "each line is Name: value");
                break;
            }
            headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        if (headers.isEmpty() && !"on".equals(params.get("remove"))) errors.put("upstream_headers", "give at least one header, or tick remove");
        GatewaySettingsRequest request = new GatewaySettingsRequest(null, null, null, null, null, null, null, null, headers);
        params.remove("upstream_headers"); // never sent back to the page
        return apply(id, featureId, request, params, errors, redirect, headers.isEmpty() ? "Upstream credentials removed."
                : "Upstream credentials saved (" + String.join(", ", headers.keySet()) + "); they are stored encrypted and never shown.");
    }

    @PostMapping("/console/apps/{id}/features/{featureId}/gateway/signing-secret")
    String rotate(@PathVariable String id, @PathVariable String featureId, @RequestParam(name = "overlap_seconds", defaultValue = "0") long overlap,
                  RedirectAttributes redirect) {
        Roles.requireWriter();
        try {
            CreatedSigningSecret created = gateway.rotateSigningSecret(id, featureId, overlap);
            redirect.addFlashAttribute("newSecret", new NewSecret(created.signingSecret(),
                    created.previousSecretExpiresAt() == null ? null : created.previousSecretExpiresAt().toString()));
        } catch (ApiException e) {
            if (e.status().value() == 404) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:" + page(id, featureId);
    }

    private String apply(String id, String featureId, GatewaySettingsRequest request, Map<String, String> params, Map<String, String> errors,
                         RedirectAttributes redirect, String notice) {
        checks.validate(request, errors); // also beside fields a typing mistake already flagged
        if (errors.isEmpty()) {
            try {
                gateway.update(id, featureId, request);
                redirect.addFlashAttribute("notice", notice);
                return "redirect:" + page(id, featureId);
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        Map<String, String> typed = new LinkedHashMap<>(params);
        typed.remove("_csrf");
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("form", typed);
        redirect.addFlashAttribute("problem", "Not saved: see the messages beside the fields.");
        return "redirect:" + page(id, featureId);
    }

    private static Integer integer(String field, Map<String, String> params, Map<String, String> errors) {
        Long value = Forms.number(field, params.get(field), errors);
        if (value == null) return null;
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            errors.put(field, "is too large");
            return null;
        }
        return value.intValue();
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value, Map<String, String> errors) {
        String v = Forms.blankToNull(value);
        if (v == null) return null;
        try {
            return Enum.valueOf(type, v.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.put(field, "is not one of the choices");
            return null;
        }
    }
}
