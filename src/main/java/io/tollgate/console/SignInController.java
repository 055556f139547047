package io.tollgate.console;

import io.tollgate.apps.Application;
import io.tollgate.apps.Applications;
import io.tollgate.identity.OAuthProvider;
import io.tollgate.identity.SignInSettings;
import io.tollgate.mail.AppMailSettings;
import io.tollgate.platform.ApiException;
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
 * An app's end-user sign-in: Google and GitHub clients (secrets typed once, never shown), the redirect
 * URIs sign-ins may return to, the pages mailed links open, and the name its mails are signed with.
 * Every change goes through the identity and mail modules' services, validated and audited as in the API.
 */
@Controller
class SignInController {
    private final Applications applications;
    private final SignInSettings signIn;
    private final AppMailSettings mail;

    SignInController(Applications applications, SignInSettings signIn, AppMailSettings mail) {
        this.applications = applications;
        this.signIn = signIn;
        this.mail = mail;
    }

    record ProviderRow(String provider, Optional<OAuthProvider> config) {}

    @GetMapping("/console/apps/{id}/sign-in")
    String page(@PathVariable String id, Model model) {
        Application app = applications.get(id);
        List<OAuthProvider> configured = signIn.providers(id);
        model.addAttribute("app", app);
        model.addAttribute("settings", signIn.settings(id));
        model.addAttribute("providers", SignInSettings.supportedProviders().stream().map(p -> new ProviderRow(p,
                configured.stream().filter(c -> c.provider().equals(p)).findFirst())).toList());
        model.addAttribute("mail", mail.get(id));
        return "console/sign-in";
    }

    @PostMapping("/console/apps/{id}/sign-in/settings")
    String settings(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        List<String> uris = Arrays.stream(params.getOrDefault("redirect_uris", "").split("\\R")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        return save(id, "settings", params, redirect, "Saved the redirect URIs and mail link pages.", () -> signIn.updateSettings(id,
                new SignInSettings.AuthSettingsChange(uris, Forms.blankToNull(params.get("email_verification_url")),
                        Forms.blankToNull(params.get("password_reset_url")))));
    }

    @PostMapping("/console/apps/{id}/sign-in/providers/{provider}")
    String provider(@PathVariable String id, @PathVariable String provider, @RequestParam Map<String, String> params,
                    RedirectAttributes redirect) {
        Roles.requireWriter();
        return save(id, provider, params, redirect, "Saved the " + provider + " sign-in.", () -> signIn.putProvider(id, provider,
                new SignInSettings.ProviderChange(Forms.blankToNull(params.get("client_id")), Forms.blankToNull(params.get("client_secret")),
                        Forms.blankToNull(params.get("issuer")), Forms.blankToNull(params.get("base_url")), Forms.blankToNull(params.get("api_url")),
                        params.containsKey("enabled"))));
    }

    @PostMapping("/console/apps/{id}/sign-in/providers/{provider}/delete")
    String removeProvider(@PathVariable String id, @PathVariable String provider, RedirectAttributes redirect) {
        Roles.requireWriter();
        signIn.deleteProvider(id, provider);
        redirect.addFlashAttribute("notice", "Removed the " + provider + " sign-in. Identities already linked stay.");
        return "redirect:/console/apps/" + id + "/sign-in";
    }

    @PostMapping("/console/apps/{id}/sign-in/mail")
    String mailSettings(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireWriter();
        return save(id, "mail", params, redirect, "Saved the mail sender settings.", () -> mail.update(id,
                new AppMailSettings.Change(Forms.blankToNull(params.get("sender_name")), Forms.blankToNull(params.get("reply_to")))));
    }

    /** Runs a change; a refusal comes back beside the form's fields, with what was typed (never a secret). */
    private String save(String id, String form, Map<String, String> params, RedirectAttributes redirect, String notice, Runnable change) {
        try {
            change.run();
            redirect.addFlashAttribute("notice", notice);
        } catch (ApiException e) {
            if (!"VALIDATION_FAILED".equals(e.code())) throw e;
            Map<String, String> typed = new LinkedHashMap<>(params);
            typed.remove("client_secret");
            Forms.editFailed(redirect, form, Forms.fieldErrors(e), typed);
        }
        return "redirect:/console/apps/" + id + "/sign-in";
    }
}
