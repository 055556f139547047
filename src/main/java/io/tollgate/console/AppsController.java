package io.tollgate.console;

import io.tollgate.apps.AppStatus;
import io.tollgate.apps.AppType;
import io.tollgate.apps.Application;
import io.tollgate.apps.ApplicationRequest;
import io.tollgate.apps.Applications;
import io.tollgate.apps.PricingModel;
import io.tollgate.keys.ApiKeyRequest;
import io.tollgate.keys.ApiKeys;
import io.tollgate.keys.CreatedApiKey;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.keys.KeyType;
import io.tollgate.keys.RotateRequest;
import io.tollgate.keys.RotatedApiKey;
import io.tollgate.keys.Scopes;
import io.tollgate.organizations.Organization;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.EnumValues;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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

/** External apps: the list, registration, approve/suspend/delete, and an app's API keys. */
@Controller
class AppsController {
    static final List<Long> OVERLAPS = List.of(0L, 3600L, 86_400L, 7 * 86_400L);
    /** Organizations offered at once in the register form; a search finds any of the others. */
    static final int ORGANIZATION_CHOICES = 20;
    private final Applications applications;
    private final Organizations organizations;
    private final ApiKeys keys;
    private final Checks checks;

    AppsController(Applications applications, Organizations organizations, ApiKeys keys, Checks checks) {
        this.applications = applications;
        this.organizations = organizations;
        this.keys = keys;
        this.checks = checks;
    }

    @GetMapping("/console/apps")
    String list(@RequestParam(required = false) String search, @RequestParam(required = false) String status,
                @RequestParam(required = false) String type, @RequestParam(name = "organization_id", required = false) String organizationId,
                @RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        AppStatus statusFilter = parse(AppStatus.class, status);
        AppType typeFilter = parse(AppType.class, type);
        String organizationFilter = Forms.blankToNull(organizationId);
        PageResult<Application> apps = applications.list(Forms.page(page),
                new Applications.Filter(statusFilter, typeFilter, organizationFilter, Forms.blankToNull(search)));
        Map<String, String> organizationNames = new HashMap<>();
        apps.items().forEach(a -> organizationNames.computeIfAbsent(a.organizationId(),
                id -> organizations.find(id).map(Organization::name).orElse(id)));
        model.addAttribute("apps", apps.items());
        model.addAttribute("pager", Forms.pager(apps.pagination(), request));
        model.addAttribute("organizationNames", organizationNames);
        model.addAttribute("search", search == null ? "" : search);
        model.addAttribute("status", statusFilter == null ? "" : statusFilter.name().toLowerCase());
        model.addAttribute("type", typeFilter == null ? "" : typeFilter.name().toLowerCase());
        model.addAttribute("organizationId", organizationFilter == null ? "" : organizationFilter);
        model.addAttribute("organizationName", organizationFilter == null ? null
                : organizations.find(organizationFilter).map(Organization::name).orElse(organizationFilter));
        model.addAttribute("statuses", AppStatus.values());
        model.addAttribute("types", AppType.values());
        return "console/apps";
    }

    /** The form; organization_search narrows the organization choice (htmx swaps just the select as one types). */
    @GetMapping("/console/apps/new")
    String newApp(@RequestParam(name = "organization_id", required = false) String organizationId,
                  @RequestParam(name = "organization_search", required = false) String organizationSearch, Model model) {
        Roles.requireWriter();
        Map<String, String> form = new HashMap<>();
        if (organizationId != null) form.put("organization_id", Forms.blankToNull(organizationId));
        if (organizationSearch != null) form.put("organization_search", Forms.blankToNull(organizationSearch));
        return registerForm(model, form, Map.of());
    }

    @PostMapping("/console/apps")
    String register(@RequestParam Map<String, String> params, Model model, RedirectAttributes redirect,
                    jakarta.servlet.http.HttpServletResponse response) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        AppType type = parseField(AppType.class, params.get("app_type"), "app_type", errors);
        PricingModel pricing = parseField(PricingModel.class, params.get("pricing_model"), "pricing_model", errors);
        ApplicationRequest request = new ApplicationRequest(Forms.blankToNull(params.get("organization_id")),
                Forms.blankToNull(params.get("name")), Forms.blankToNull(params.get("description")), type,
                Forms.blankToNull(params.get("app_url")), Forms.blankToNull(params.get("app_identifier")), null, pricing, null);
        if (request.organizationId() == null) errors.put("organization_id", "choose the organization that owns the app");
        if (request.name() == null) errors.put("name", "is required");
        if (type == null && !errors.containsKey("app_type")) errors.put("app_type", "is required");
        checks.validate(request, errors);
        if (errors.isEmpty()) {
            try {
                Application created = applications.create(request);
                redirect.addFlashAttribute("notice", "Registered " + created.name() + ". It is pending: approve it to let its keys call the API.");
                return "redirect:/console/apps/" + created.id();
            } catch (ApiException e) {
                if (e.status().value() == 409) errors.put("app_identifier", e.getMessage());
                else errors.putAll(Forms.fieldErrors(e));
            }
        }
        response.setStatus(422);
        return registerForm(model, params, errors);
    }

    private String registerForm(Model model, Map<String, String> form, Map<String, String> errors) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        PageResult<Organization> matches = organizations.list(PageQuery.of(1, ORGANIZATION_CHOICES),
                Forms.blankToNull(form.get("organization_search")));
        List<Organization> choices = new ArrayList<>(matches.items());
        // The organization already chosen (a link from its row, or a refused submit) stays choosable whatever the search.
        String chosen = Forms.blankToNull(form.get("organization_id"));
        if (chosen != null && choices.stream().noneMatch(o -> o.id().equals(chosen))) {
            organizations.find(chosen).ifPresent(o -> choices.addFirst(o));
        }
        model.addAttribute("organizations", choices);
        model.addAttribute("organizationMatches", matches.pagination().total());
        model.addAttribute("types", AppType.values());
        model.addAttribute("pricingModels", PricingModel.values());
        return "console/app-new";
    }

    @GetMapping("/console/apps/{id}")
    String detail(@PathVariable String id, @RequestParam(name = "keys_page", required = false) Integer keysPage,
                  HttpServletRequest request, Model model) {
        Application app = applications.get(id);
        model.addAttribute("app", app);
        model.addAttribute("organization", organizations.find(app.organizationId()).orElse(null));
        PageResult<io.tollgate.keys.ApiKey> appKeys = keys.list(id, Forms.page(keysPage), null);
        model.addAttribute("keys", appKeys);
        model.addAttribute("keysPager", Forms.pager(appKeys.pagination(), request, "keys_page", "keys"));
        model.addAttribute("allScopes", Scopes.ALL);
        model.addAttribute("secretOnly", Scopes.SECRET_ONLY);
        model.addAttribute("overlaps", OVERLAPS);
        model.addAttribute("types", AppType.values());
        model.addAttribute("pricingModels", PricingModel.values());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
        if (!model.containsAttribute("keyForm")) model.addAttribute("keyForm", Map.of());
        return "console/app";
    }

    @PostMapping("/console/apps/{id}")
    String update(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        AppType type = parseField(AppType.class, params.get("app_type"), "app_type", errors);
        PricingModel pricing = parseField(PricingModel.class, params.get("pricing_model"), "pricing_model", errors);
        ApplicationRequest request = new ApplicationRequest(null, Forms.blankToNull(params.get("name")),
                Forms.blankToNull(params.get("description")), type, Forms.blankToNull(params.get("app_url")),
                Forms.blankToNull(params.get("app_identifier")), null, pricing, null);
        checks.validate(request, errors);
        // An emptied box clears its optional field (the form always sends every box).
        Set<String> cleared = Forms.emptied(params, Applications.CLEARABLE);
        if (errors.isEmpty()) {
            try {
                applications.update(id, request, cleared);
                redirect.addFlashAttribute("notice", "Saved.");
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(e.status().value() == 409 ? Map.of("app_identifier", e.getMessage()) : Forms.fieldErrors(e));
            }
        }
        if (!errors.isEmpty()) {
            redirect.addFlashAttribute("errors", errors);
            redirect.addFlashAttribute("problem", "The app was not saved: see the messages beside the fields.");
        }
        return "redirect:/console/apps/" + id;
    }

    /** approve (active), suspend, or back to pending. */
    @PostMapping("/console/apps/{id}/status")
    String status(@PathVariable String id, @RequestParam String status, RedirectAttributes redirect) {
        Roles.requireWriter();
        AppStatus target = parse(AppStatus.class, status);
        if (target == null) throw ApiException.invalidField("status", "must be active, suspended or pending");
        Application app = applications.update(id, new ApplicationRequest(null, null, null, null, null, null, target, null, null));
        redirect.addFlashAttribute("notice", app.name() + " is now " + target.name().toLowerCase() + ".");
        return "redirect:/console/apps/" + id;
    }

    @PostMapping("/console/apps/{id}/delete")
    String delete(@PathVariable String id, RedirectAttributes redirect) {
        Roles.requireWriter();
        Application app = applications.get(id);
        applications.delete(id);
        redirect.addFlashAttribute("notice", "Deleted " + app.name() + "; its keys are revoked and its history is kept.");
        return "redirect:/console/apps";
    }

    // ---- API keys ----

    @PostMapping("/console/apps/{id}/keys")
    String createKey(@PathVariable String id, @RequestParam Map<String, String> params,
                     @RequestParam(name = "scopes", required = false) List<String> scopes, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        KeyType type = parseField(KeyType.class, params.get("key_type"), "key_type", errors);
        KeyEnvironment environment = parseField(KeyEnvironment.class, params.get("environment"), "environment", errors);
        Integer rateLimit = Forms.integer("rate_limit", params.get("rate_limit"), errors);
        Instant expiresAt = Forms.instant("expires_at", params.get("expires_at"), errors);
        List<String> chosen = scopes == null || scopes.isEmpty() ? null : scopes;
        if (chosen != null && type == KeyType.PUBLISHABLE) chosen = chosen.stream().filter(s -> !Scopes.SECRET_ONLY.contains(s)).toList();
        ApiKeyRequest request = new ApiKeyRequest(Forms.blankToNull(params.get("name")), type, environment, chosen, rateLimit, expiresAt, null);
        checks.validate(request, errors);
        if (errors.isEmpty()) {
            try {
                CreatedApiKey created = keys.create(id, request);
                redirect.addFlashAttribute("newKey", new NewKey(created.apiKey().id(), created.apiKey().name(), created.key()));
                return "redirect:/console/apps/" + id + "#new-key";
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        Map<String, String> typed = new LinkedHashMap<>(params);
        typed.remove("_csrf");
        redirect.addFlashAttribute("keyErrors", errors);
        redirect.addFlashAttribute("keyForm", typed);
        redirect.addFlashAttribute("problem", "The key was not created: " + Forms.describe(errors));
        return "redirect:/console/apps/" + id + "#create-key";
    }

    /** The one moment a full key exists outside the caller's hands: a flash attribute, gone after one page view. */
    record NewKey(String id, String name, String key) implements java.io.Serializable {}

    @PostMapping("/console/apps/{id}/keys/{keyId}")
    String updateKey(@PathVariable String id, @PathVariable String keyId, @RequestParam Map<String, String> params,
                     @RequestParam(name = "scopes", required = false) List<String> scopes, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        Integer rateLimit = Forms.integer("rate_limit", params.get("rate_limit"), errors);
        Instant expiresAt = Forms.instant("expires_at", params.get("expires_at"), errors);
        if (scopes == null || scopes.isEmpty()) errors.put("scopes", "choose at least one scope");
        ApiKeyRequest request = new ApiKeyRequest(Forms.blankToNull(params.get("name")), null, null, scopes, rateLimit, expiresAt, null);
        checks.validate(request, errors);
        if (errors.isEmpty()) {
            try {
                keys.update(id, keyId, request);
                redirect.addFlashAttribute("notice", "Key saved.");
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        if (!errors.isEmpty()) Forms.editFailed(redirect, keyId, errors, params);
        return "redirect:/console/apps/" + id + "#keys";
    }

    @PostMapping("/console/apps/{id}/keys/{keyId}/revoke")
    String revokeKey(@PathVariable String id, @PathVariable String keyId, RedirectAttributes redirect) {
        Roles.requireWriter();
        keys.revoke(id, keyId);
        redirect.addFlashAttribute("notice", "Key revoked: it fails from the very next request.");
        return "redirect:/console/apps/" + id + "#keys";
    }

    @PostMapping("/console/apps/{id}/keys/{keyId}/rotate")
    String rotateKey(@PathVariable String id, @PathVariable String keyId,
                     @RequestParam(name = "overlap_seconds", defaultValue = "0") long overlapSeconds, RedirectAttributes redirect) {
        Roles.requireWriter();
        if (overlapSeconds < 0 || overlapSeconds > RotateRequest.MAX_OVERLAP_SECONDS) {
            throw ApiException.invalidField("overlap_seconds", "must be between 0 and " + RotateRequest.MAX_OVERLAP_SECONDS);
        }
        try {
            RotatedApiKey rotated = keys.rotate(id, keyId, overlapSeconds);
            CreatedApiKey created = rotated.newKey();
            redirect.addFlashAttribute("newKey", new NewKey(created.apiKey().id(), created.apiKey().name(), created.key()));
            redirect.addFlashAttribute("notice", overlapSeconds == 0 ? "Rotated: the old key stopped at once."
                    : "Rotated: the old key keeps working until " + rotated.oldKey().expiresAt() + ".");
            return "redirect:/console/apps/" + id + "#new-key";
        } catch (ApiException e) {
            if (e.status().value() == 404) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
            return "redirect:/console/apps/" + id + "#keys";
        }
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value) {
        return EnumValues.parse(type, value);
    }

    static <E extends Enum<E>> E parseField(Class<E> type, String value, String field, Map<String, String> errors) {
        E parsed = parse(type, value);
        if (parsed == null && value != null && !value.isBlank()) {
            errors.put(field, "must be one of: " + String.join(", ", Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase()).toList()));
        }
        return parsed;
    }
}
