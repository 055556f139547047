package io.tollgate.console;

import io.tollgate.catalog.Activation;
import io.tollgate.catalog.ActivationStatus;
import io.tollgate.catalog.Activations;
import io.tollgate.catalog.CatalogApp;
import io.tollgate.catalog.CatalogAppRequest;
import io.tollgate.catalog.CatalogAppStatus;
import io.tollgate.catalog.CatalogApps;
import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Seed 001's connected-apps catalog in the console: the catalog (create and edit, with a live preview of
 * the configuration form the schema makes — console's schema-preview.js, no inline script), and each
 * organization's activations, which an operator may end.
 */
@Controller
class ConnectedAppsPagesController {
    private final CatalogApps catalog;
    private final Activations activations;
    private final Organizations organizations;
    private final Plans plans;
    private final Json json;
    private final JsonMapper mapper;
    private final Checks checks;

    ConnectedAppsPagesController(CatalogApps catalog, Activations activations, Organizations organizations, Plans plans, Json json,
                                 JsonMapper mapper, Checks checks) {
        this.mapper = mapper;
        this.catalog = catalog;
        this.activations = activations;
        this.organizations = organizations;
        this.plans = plans;
        this.json = json;
        this.checks = checks;
    }

    @GetMapping("/console/catalog")
    String list(@RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        PageResult<CatalogApp> result = catalog.list(Forms.page(page), new CatalogApps.Filter(null, null, null), true);
        model.addAttribute("catalogApps", result.items());
        model.addAttribute("pager", Forms.pager(result.pagination(), request));
        common(model);
        if (!model.containsAttribute("form")) model.addAttribute("form", Map.of("configuration_schema", "{}"));
        return "console/catalog";
    }

    @PostMapping("/console/catalog")
    String create(@RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        CatalogAppRequest request = request(params, errors, true);
        if (errors.isEmpty()) {
            try {
                CatalogApp created = catalog.create(request);
                redirect.addFlashAttribute("notice", "Added " + created.name() + " to the catalog.");
                return "redirect:/console/catalog/" + created.id();
            } catch (ApiException e) {
                errors.putAll(e.status().value() == 409 ? Map.of("id", e.getMessage()) : schemaErrors(Forms.fieldErrors(e)));
            }
        }
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("form", params);
        redirect.addFlashAttribute("problem", "The app was not added: see the messages beside the fields.");
        return "redirect:/console/catalog#new-catalog-app";
    }

    @GetMapping("/console/catalog/{id}")
    String show(@PathVariable String id, @RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        CatalogApp app = catalog.get(id);
        model.addAttribute("app", app);
        PageResult<Activation> list = activations.list(null, id, null, Forms.page(page));
        model.addAttribute("activations", list.items());
        model.addAttribute("pager", Forms.pager(list.pagination(), request));
        common(model);
        if (!model.containsAttribute("form")) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("name", app.name());
            form.put("description", app.description() == null ? "" : app.description());
            form.put("category", app.category());
            form.put("token_cost", Integer.toString(app.tokenCost()));
            form.put("status", app.status().name().toLowerCase());
            form.put("features", String.join("\n", app.features()));
            form.put("pricing_tier", app.pricingTier() == null ? "" : app.pricingTier());
            form.put("documentation_url", app.documentationUrl() == null ? "" : app.documentationUrl());
            form.put("widget_url", app.widgetUrl());
            form.put("configuration_schema", prettyJson(app.configurationSchema()));
            model.addAttribute("form", form);
        }
        return "console/catalog-app";
    }

    @PostMapping("/console/catalog/{id}")
    String update(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        catalog.get(id);
        Map<String, String> errors = new LinkedHashMap<>();
        CatalogAppRequest request = request(params, errors, false);
        if (errors.isEmpty()) {
            try {
                catalog.update(id, request);
                redirect.addFlashAttribute("notice", "Saved.");
                return "redirect:/console/catalog/" + id;
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(schemaErrors(Forms.fieldErrors(e)));
            }
        }
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("form", params);
        redirect.addFlashAttribute("problem", "Not saved: see the messages beside the fields.");
        return "redirect:/console/catalog/" + id + "#edit";
    }

    @GetMapping("/console/organizations/{id}/activations")
    String organizationActivations(@PathVariable String id, @RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        model.addAttribute("organization", organizations.get(id));
        PageResult<Activation> list = activations.list(id, null, null, Forms.page(page));
        model.addAttribute("activations", list.items());
        Map<String, String> configs = new LinkedHashMap<>();
        list.items().forEach(a -> configs.put(a.id(), json.write(a.configuration())));
        model.addAttribute("configs", configs);
        model.addAttribute("pager", Forms.pager(list.pagination(), request));
        return "console/activations";
    }

    @PostMapping("/console/organizations/{id}/activations/{appId}/deactivate")
    String deactivate(@PathVariable String id, @PathVariable String appId, RedirectAttributes redirect) {
        Roles.requireWriter();
        organizations.get(id);
        Activation after = activations.deactivate(id, appId);
        redirect.addFlashAttribute("notice", after.appName() + " deactivated: its consumption is refused and its embed key revoked.");
        return "redirect:/console/organizations/" + id + "/activations";
    }

    private void common(Model model) {
        model.addAttribute("statuses", CatalogAppStatus.values());
        model.addAttribute("tiers", plans.list(Plan.PlanAudience.ORGANIZATION, true));
        model.addAttribute("activationStatuses", ActivationStatus.values());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
    }

    private CatalogAppRequest request(Map<String, String> p, Map<String, String> errors, boolean creating) {
        CatalogAppStatus status = AppsController.parseField(CatalogAppStatus.class, p.get("status"), "status", errors);
        Map<String, Object> schema = null;
        String schemaText = Forms.blankToNull(p.get("configuration_schema"));
        if (schemaText != null) {
            try {
                schema = json.readMap(schemaText);
            } catch (RuntimeException e) {
                errors.put("configuration_schema", "is not valid JSON: write an object such as {\"button_text\": {\"type\": \"string\"}}");
            }
        }
        String features = p.get("features");
        List<String> featureList = features == null ? null
                : Arrays.stream(features.split("\\R")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        String tier = p.get("pricing_tier");
        CatalogAppRequest request = new CatalogAppRequest(creating ? Forms.blankToNull(p.get("id")) : null, Forms.blankToNull(p.get("name")),
                Forms.blankToNull(p.get("description")), Forms.blankToNull(p.get("category")), Forms.integer("token_cost", p.get("token_cost"), errors),
                status, featureList, schema, tier == null ? null : Optional.ofNullable(Forms.blankToNull(tier)),
                Forms.blankToNull(p.get("documentation_url")), null, Forms.blankToNull(p.get("widget_url")));
        checks.validate(request, errors);
        return request;
    }

    /** Every problem inside the schema is shown under its box, each with its path. */
    private static Map<String, String> schemaErrors(Map<String, String> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        errors.forEach((field, message) -> {
            if (field.startsWith("configuration_schema.")) {
                out.merge("configuration_schema", field.substring("configuration_schema.".length()) + " " + message, (a, b) -> a + "; " + b);
            } else {
                out.put(field, message);
            }
        });
        return out;
    }

    /** The schema as the operator edits it: indented, in its fields' order. */
    private String prettyJson(Map<String, Object> value) {
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }
}
