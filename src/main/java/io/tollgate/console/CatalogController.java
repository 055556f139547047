package io.tollgate.console;

import io.tollgate.apps.Application;
import io.tollgate.apps.Applications;
import io.tollgate.metering.Feature;
import io.tollgate.metering.FeatureBackend;
import io.tollgate.metering.FeatureRequest;
import io.tollgate.metering.Features;
import io.tollgate.metering.FreeTierPeriod;
import io.tollgate.metering.Plan;
import io.tollgate.metering.PlanRequest;
import io.tollgate.metering.Plans;
import io.tollgate.metering.PricingType;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Features with their price rules (per app), and plans. */
@Controller
class CatalogController {
    private final Applications applications;
    private final Features features;
    private final Plans plans;
    private final Checks checks;

    CatalogController(Applications applications, Features features, Plans plans, Checks checks) {
        this.applications = applications;
        this.features = features;
        this.plans = plans;
        this.checks = checks;
    }

    @GetMapping("/console/apps/{id}/features")
    String features(@PathVariable String id, @RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        Application app = applications.get(id);
        PageResult<Feature> list = features.list(id, Forms.page(page));
        model.addAttribute("app", app);
        model.addAttribute("features", list.items());
        model.addAttribute("pager", Forms.pager(list.pagination(), request));
        model.addAttribute("pricingTypes", PricingType.values());
        model.addAttribute("periods", FreeTierPeriod.values());
        model.addAttribute("backends", FeatureBackend.values());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
        if (!model.containsAttribute("form")) model.addAttribute("form", Map.of());
        return "console/features";
    }

    @PostMapping("/console/apps/{id}/features")
    String createFeature(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        applications.get(id);
        Map<String, String> errors = new LinkedHashMap<>();
        FeatureRequest request = featureRequest(params, errors, true);
        if (errors.isEmpty()) {
            try {
                Feature created = features.create(id, request);
                redirect.addFlashAttribute("notice", "Feature " + created.featureName() + " defined.");
                return "redirect:/console/apps/" + id + "/features";
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(e.status().value() == 409 ? Map.of("feature_name", e.getMessage()) : Forms.fieldErrors(e));
            }
        }
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("form", params);
        redirect.addFlashAttribute("problem", "The feature was not defined: see the messages beside the fields.");
        return "redirect:/console/apps/" + id + "/features#new-feature";
    }

    @PostMapping("/console/apps/{id}/features/{featureId}")
    String updateFeature(@PathVariable String id, @PathVariable String featureId, @RequestParam Map<String, String> params,
                         RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        FeatureRequest request = featureRequest(params, errors, false);
        // In the edit form an optional box left empty means "none": no free allowance, no upstream URL.
        Set<String> cleared = Forms.emptied(params, Features.CLEARABLE);
        if (errors.isEmpty()) {
            try {
                features.update(id, featureId, request, cleared);
                redirect.addFlashAttribute("notice", "Price rule saved.");
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        if (!errors.isEmpty()) Forms.editFailed(redirect, featureId, errors, params);
        return "redirect:/console/apps/" + id + "/features" + (errors.isEmpty() ? "" : "#feature-" + featureId);
    }

    @PostMapping("/console/apps/{id}/features/{featureId}/delete")
    String deleteFeature(@PathVariable String id, @PathVariable String featureId, RedirectAttributes redirect) {
        Roles.requireWriter();
        Feature feature = features.get(id, featureId);
        features.delete(id, featureId);
        redirect.addFlashAttribute("notice", "Feature " + feature.featureName() + " removed; its usage history stays.");
        return "redirect:/console/apps/" + id + "/features";
    }

    private FeatureRequest featureRequest(Map<String, String> p, Map<String, String> errors, boolean creating) {
        PricingType type = AppsController.parseField(PricingType.class, p.get("pricing_type"), "pricing_type", errors);
        FreeTierPeriod period = AppsController.parseField(FreeTierPeriod.class, p.get("free_tier_period"), "free_tier_period", errors);
        FeatureBackend backend = AppsController.parseField(FeatureBackend.class, p.get("backend"), "backend", errors);
        String currency = Forms.blankToNull(p.get("currency"));
        FeatureRequest request = new FeatureRequest(creating ? Forms.blankToNull(p.get("feature_name")) : null,
                Forms.blankToNull(p.get("display_name")), type, Forms.integer("credit_cost", p.get("credit_cost"), errors),
                null, Forms.number("cost_per_request_minor", p.get("cost_per_request_minor"), errors),
                currency == null ? null : currency.toUpperCase(), Forms.integer("free_tier_limit", p.get("free_tier_limit"), errors),
                period, backend, Forms.blankToNull(p.get("upstream_url")), Forms.integer("timeout_seconds", p.get("timeout_seconds"), errors),
                Forms.blankToNull(p.get("status")), null, Forms.number("price_per_request", p.get("price_per_request"), errors));
        if (creating && request.featureName() == null) errors.put("feature_name", "is required");
        if (creating && type == null && !errors.containsKey("pricing_type")) errors.put("pricing_type", "is required");
        checks.validate(request, errors);
        return request;
    }

    // ---- plans ----

    @GetMapping("/console/plans")
    String plans(Model model) {
        model.addAttribute("plans", plans.list(null, false));
        model.addAttribute("audiences", Plan.PlanAudience.values());
        model.addAttribute("cycles", Plan.BillingCycle.values());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
        if (!model.containsAttribute("form")) model.addAttribute("form", Map.of());
        return "console/plans";
    }

    @PostMapping("/console/plans")
    String createPlan(@RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        PlanRequest request = planRequest(params, errors, true);
        if (errors.isEmpty()) {
            try {
                Plan created = plans.create(request);
                redirect.addFlashAttribute("notice", "Plan " + created.name() + " created.");
                return "redirect:/console/plans";
            } catch (ApiException e) {
                errors.putAll(e.status().value() == 409 ? Map.of("id", e.getMessage()) : Forms.fieldErrors(e));
            }
        }
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("form", params);
        redirect.addFlashAttribute("problem", "The plan was not created: see the messages beside the fields.");
        return "redirect:/console/plans#new-plan";
    }

    @PostMapping("/console/plans/{id}")
    String updatePlan(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        PlanRequest request = planRequest(params, errors, false);
        if (errors.isEmpty()) {
            try {
                plans.update(id, request);
                redirect.addFlashAttribute("notice", "Plan saved.");
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        if (!errors.isEmpty()) Forms.editFailed(redirect, id, errors, params);
        return "redirect:/console/plans" + (errors.isEmpty() ? "" : "#plan-" + id);
    }

    @PostMapping("/console/plans/{id}/retire")
    String retirePlan(@PathVariable String id, RedirectAttributes redirect) {
        Roles.requireWriter();
        Plan plan = plans.retire(id);
        redirect.addFlashAttribute("notice", "Plan " + plan.name() + " retired: kept for the subscriptions and invoices that name it.");
        return "redirect:/console/plans";
    }

    private PlanRequest planRequest(Map<String, String> p, Map<String, String> errors, boolean creating) {
        Plan.PlanAudience audience = creating ? AppsController.parseField(Plan.PlanAudience.class, p.get("audience"), "audience", errors) : null;
        Plan.BillingCycle cycle = AppsController.parseField(Plan.BillingCycle.class, p.get("billing_cycle"), "billing_cycle", errors);
        String currency = Forms.blankToNull(p.get("currency"));
        String included = Forms.blankToNull(p.get("included_features"));
        String featureList = p.get("features");
        PlanRequest request = new PlanRequest(creating ? Forms.blankToNull(p.get("id")) : null, Forms.blankToNull(p.get("name")),
                Forms.blankToNull(p.get("description")), audience, Forms.number("price_minor", p.get("price_minor"), errors),
                currency == null ? null : currency.toUpperCase(), cycle, Forms.number("tokens_per_month", p.get("tokens_per_month"), errors),
                Forms.integer("daily_limit", p.get("daily_limit"), errors), Forms.number("initial_credits", p.get("initial_credits"), errors),
                featureList == null ? null : lines(featureList), included == null ? null : words(included),
                Forms.blankToNull(p.get("stripe_price_id")), checkbox(p, "is_default"), checkbox(p, "is_active"));
        if (creating && request.id() == null) errors.put("id", "is required");
        if (creating && request.name() == null) errors.put("name", "is required");
        checks.validate(request, errors);
        return request;
    }

    /** Forms with checkboxes send flags=1, so an unticked box (absent) means false rather than "unchanged". */
    private static Boolean checkbox(Map<String, String> p, String name) {
        if (p.containsKey(name)) return Boolean.TRUE;
        return p.containsKey("flags") ? Boolean.FALSE : null;
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\\R")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("[,\\s]+")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
