package io.tollgate.console;

import io.tollgate.ledger.WalletOwner;
import io.tollgate.ledger.Wallets;
import io.tollgate.organizations.Organization;
import io.tollgate.organizations.OrganizationRequest;
import io.tollgate.organizations.OrganizationStatus;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Organizations (tenants): list, create, edit, suspend, delete, and credits for their wallets. */
@Controller
class OrganizationsController {
    private final Organizations organizations;
    private final Wallets wallets;
    private final ConsoleGrants grants;
    private final Checks checks;

    OrganizationsController(Organizations organizations, Wallets wallets, ConsoleGrants grants, Checks checks) {
        this.organizations = organizations;
        this.wallets = wallets;
        this.grants = grants;
        this.checks = checks;
    }

    @GetMapping("/console/organizations")
    String list(@RequestParam(required = false) String search, @RequestParam(required = false) Integer page,
                HttpServletRequest request, Model model) {
        PageResult<Organization> result = organizations.list(Forms.page(page), Forms.blankToNull(search));
        model.addAttribute("organizations", result.items());
        model.addAttribute("balances", wallets.balances(WalletOwner.ORGANIZATION, result.items().stream().map(Organization::id).toList()));
        model.addAttribute("pager", Forms.pager(result.pagination(), request));
        model.addAttribute("search", search == null ? "" : search);
        model.addAttribute("statuses", OrganizationStatus.values());
        model.addAttribute("grantToken", UUID.randomUUID().toString());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
        if (!model.containsAttribute("form")) model.addAttribute("form", Map.of());
        return "console/organizations";
    }

    @PostMapping("/console/organizations")
    String create(@RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        OrganizationRequest request = new OrganizationRequest(Forms.blankToNull(params.get("name")),
                Forms.blankToNull(params.get("billing_email")), null, null);
        if (request.name() == null) errors.put("name", "is required");
        checks.validate(request, errors);
        if (errors.isEmpty()) {
            try {
                Organization created = organizations.create(request);
                redirect.addFlashAttribute("notice", "Created " + created.name() + ".");
                return "redirect:/console/organizations?search=" + java.net.URLEncoder.encode(created.name(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (ApiException e) {
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("form", params);
        redirect.addFlashAttribute("problem", "The organization was not created: see the messages beside the fields.");
        return "redirect:/console/organizations#new-organization";
    }

    @PostMapping("/console/organizations/{id}")
    String update(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Map<String, String> errors = new LinkedHashMap<>();
        OrganizationStatus status = AppsController.parseField(OrganizationStatus.class, params.get("status"), "status", errors);
        OrganizationRequest request = new OrganizationRequest(Forms.blankToNull(params.get("name")),
                Forms.blankToNull(params.get("billing_email")), status, null);
        checks.validate(request, errors);
        if (errors.isEmpty()) {
            try {
                organizations.update(id, request);
                redirect.addFlashAttribute("notice", "Saved.");
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(Forms.fieldErrors(e));
            }
        }
        if (!errors.isEmpty()) {
            Forms.editFailed(redirect, id, errors, params);
            return "redirect:/console/organizations?search=" + java.net.URLEncoder.encode(organizations.get(id).name(),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        return "redirect:/console/organizations";
    }

    @PostMapping("/console/organizations/{id}/delete")
    String delete(@PathVariable String id, RedirectAttributes redirect) {
        Roles.requireWriter();
        try {
            Organization organization = organizations.get(id);
            organizations.delete(id);
            redirect.addFlashAttribute("notice", "Deleted " + organization.name() + ".");
        } catch (ApiException e) {
            if (e.status().value() == 404) throw e;
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/console/organizations";
    }

    /** Credits (tokens) for the organization's wallet, audited as wallet.granted; a resubmitted form grants once. */
    @PostMapping("/console/organizations/{id}/grant")
    String grant(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        Organization organization = organizations.get(id);
        if (!grants.grant(wallets.walletFor(WalletOwner.ORGANIZATION, organization.id(), null), params, false, organization.name(), redirect)) {
            return "redirect:/console/organizations";
        }
        return "redirect:/console/organizations?search=" + java.net.URLEncoder.encode(organization.name(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
