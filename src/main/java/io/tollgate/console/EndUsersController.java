package io.tollgate.console;

import io.tollgate.apps.Application;
import io.tollgate.apps.Applications;
import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUsers;
import io.tollgate.ledger.Transfer;
import io.tollgate.ledger.Wallet;
import io.tollgate.ledger.WalletOwner;
import io.tollgate.ledger.Wallets;
import io.tollgate.metering.UsageReports;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** An app's end users: search, kind, wallet balance, ledger history, and credit grants. */
@Controller
class EndUsersController {
    static final Set<String> KINDS = Set.of("registered", "anonymous", "external");
    private final Applications applications;
    private final EndUsers endUsers;
    private final Wallets wallets;
    private final UsageReports usage;
    private final ConsoleGrants grants;
    private final Clock clock;

    EndUsersController(Applications applications, EndUsers endUsers, Wallets wallets, UsageReports usage, ConsoleGrants grants,
                       Clock clock) {
        this.applications = applications;
        this.endUsers = endUsers;
        this.wallets = wallets;
        this.usage = usage;
        this.grants = grants;
        this.clock = clock;
    }

    record Row(EndUser user, String who, Long balance, UsageReports.UserTotals usage) {}

    @GetMapping("/console/apps/{id}/users")
    String list(@PathVariable String id, @RequestParam(required = false) String search, @RequestParam(required = false) String kind,
                @RequestParam(required = false) String linked, @RequestParam(required = false) Integer page,
                HttpServletRequest request, Model model) {
        Application app = applications.get(id);
        String kindFilter = kind != null && KINDS.contains(kind) ? kind : null;
        Boolean linkedFilter = "linked".equals(linked) ? Boolean.TRUE : "unlinked".equals(linked) ? Boolean.FALSE : null;
        PageResult<EndUser> users = endUsers.list(id, Forms.page(page), Forms.blankToNull(search), kindFilter, linkedFilter);
        List<String> ids = users.items().stream().map(EndUser::id).toList();
        Map<String, Long> balances = wallets.balances(WalletOwner.END_USER, ids);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Map<String, UsageReports.UserTotals> totals = usage.userTotals(id, today.minusDays(Range.DEFAULT_DAYS - 1), today, ids);
        UsageReports.UserTotals none = new UsageReports.UserTotals(0, 0, 0);
        model.addAttribute("app", app);
        model.addAttribute("rows", users.items().stream().map(u -> new Row(u, UsageController.describe(u), balances.get(u.id()),
                totals.getOrDefault(u.id(), none))).toList());
        model.addAttribute("pager", Forms.pager(users.pagination(), request));
        model.addAttribute("search", search == null ? "" : search);
        model.addAttribute("kind", kindFilter == null ? "" : kindFilter);
        model.addAttribute("linked", linkedFilter == null ? "" : linkedFilter ? "linked" : "unlinked");
        model.addAttribute("kinds", List.of("registered", "anonymous", "external"));
        return "console/users";
    }

    @GetMapping("/console/apps/{id}/users/{userId}")
    String detail(@PathVariable String id, @PathVariable String userId, @RequestParam(required = false) Integer page,
                  HttpServletRequest request, Model model) {
        Application app = applications.get(id);
        EndUser user = endUsers.find(id, userId).orElseThrow(() -> ApiException.notFound("end_user", userId));
        Optional<Wallet> wallet = wallets.findWallet(WalletOwner.END_USER, user.id());
        model.addAttribute("app", app);
        model.addAttribute("user", user);
        model.addAttribute("who", UsageController.describe(user));
        model.addAttribute("wallet", wallet.orElse(null));
        model.addAttribute("debt", wallet.map(w -> wallets.debt(w.id())).orElse(0L));
        if (wallet.isPresent()) {
            PageResult<Transfer> transfers = wallets.transfers(wallet.get().id(), Forms.page(page));
            model.addAttribute("transfers", transfers.items());
            model.addAttribute("pager", Forms.pager(transfers.pagination(), request));
        } else {
            model.addAttribute("transfers", List.of());
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        model.addAttribute("usage30", usage.userTotals(id, today.minusDays(Range.DEFAULT_DAYS - 1), today, List.of(user.id()))
                .getOrDefault(user.id(), new UsageReports.UserTotals(0, 0, 0)));
        model.addAttribute("grantToken", UUID.randomUUID().toString());
        return "console/user";
    }

    /** Credits into the user's wallet, audited as wallet.granted; a resubmitted form grants once. */
    @PostMapping("/console/apps/{id}/users/{userId}/grant")
    String grant(@PathVariable String id, @PathVariable String userId, @RequestParam Map<String, String> params,
                 RedirectAttributes redirect) {
        Roles.requireWriter();
        applications.get(id);
        EndUser user = endUsers.find(id, userId).orElseThrow(() -> ApiException.notFound("end_user", userId));
        grants.grant(wallets.walletFor(WalletOwner.END_USER, user.id(), id), params, true, "", redirect);
        return "redirect:/console/apps/" + id + "/users/" + userId;
    }
}
