package io.tollgate.console;

import io.tollgate.operators.Operator;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRequest;
import io.tollgate.operators.OperatorRole;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Owners only: who may sign in to the console, with which role. */
@Controller
class OperatorsController {
    private final OperatorAccounts accounts;
    private final Checks checks;

    OperatorsController(OperatorAccounts accounts, Checks checks) {
        this.accounts = accounts;
        this.checks = checks;
    }

    @GetMapping("/console/operators")
    String list(@RequestParam(required = false) Integer page, HttpServletRequest request, Model model) {
        Roles.requireOwner();
        PageResult<Operator> operators = accounts.list(Forms.page(page));
        model.addAttribute("operators", operators.items());
        model.addAttribute("pager", Forms.pager(operators.pagination(), request));
        model.addAttribute("roles", OperatorRole.values());
        if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
        if (!model.containsAttribute("form")) model.addAttribute("form", Map.of());
        return "console/operators";
    }

    @PostMapping("/console/operators")
    String create(@RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireOwner();
        Map<String, String> errors = new LinkedHashMap<>();
        OperatorRole role = AppsController.parseField(OperatorRole.class, params.get("role"), "role", errors);
        OperatorRequest request = new OperatorRequest(Forms.blankToNull(params.get("email")), params.get("password"), role, null);
        if (request.email() == null) errors.put("email", "is required");
        if (request.password() == null || request.password().isEmpty()) errors.put("password", "is required");
        if (role == null && !errors.containsKey("role")) errors.put("role", "is required");
        checks.validate(request, errors);
        if (errors.isEmpty()) {
            try {
                Operator created = accounts.create(request);
                redirect.addFlashAttribute("notice", "Created " + created.email() + " (" + created.role().name().toLowerCase() + ").");
                return "redirect:/console/operators";
            } catch (ApiException e) {
                errors.putAll(e.status().value() == 409 ? Map.of("email", e.getMessage()) : Forms.fieldErrors(e));
            }
        }
        Map<String, String> form = new LinkedHashMap<>(params);
        form.remove("password");
        redirect.addFlashAttribute("errors", errors);
        redirect.addFlashAttribute("form", form);
        redirect.addFlashAttribute("problem", "The operator was not created: see the messages beside the fields.");
        return "redirect:/console/operators#new-operator";
    }

    @PostMapping("/console/operators/{id}")
    String update(@PathVariable String id, @RequestParam Map<String, String> params, RedirectAttributes redirect) {
        Roles.requireOwner();
        Map<String, String> errors = new LinkedHashMap<>();
        OperatorRole role = AppsController.parseField(OperatorRole.class, params.get("role"), "role", errors);
        String password = params.get("password") == null || params.get("password").isEmpty() ? null : params.get("password");
        OperatorRequest request = new OperatorRequest(null, password, role, Forms.blankToNull(params.get("status")));
        checks.validate(request, errors);
        if (errors.isEmpty()) {
            try {
                accounts.update(id, request);
                redirect.addFlashAttribute("notice", "Saved.");
            } catch (ApiException e) {
                if (e.status().value() == 404) throw e;
                errors.putAll(e.status().value() == 409 ? Map.of("role", e.getMessage()) : Forms.fieldErrors(e));
            }
        }
        if (!errors.isEmpty()) redirect.addFlashAttribute("problem", "Not saved: " + Forms.describe(errors));
        return "redirect:/console/operators";
    }
}
