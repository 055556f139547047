package io.tollgate.console;

import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailOutbox;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Operators see whether mail works, what waits, what failed and why, and retry failed mail. */
@Controller
class MailController {
    private final MailOutbox outbox;

    MailController(MailOutbox outbox) {
        this.outbox = outbox;
    }

    @GetMapping("/console/mail")
    String page(@RequestParam(required = false) String status, @RequestParam(required = false) Integer page,
                HttpServletRequest request, Model model) {
        String filter = status != null && MailOutbox.STATUSES.contains(status) ? status : null;
        PageResult<MailMessage> mails = outbox.list(Forms.page(page), filter, null);
        model.addAttribute("mailStatus", outbox.status());
        model.addAttribute("mails", mails.items());
        model.addAttribute("pager", Forms.pager(mails.pagination(), request));
        model.addAttribute("status", filter == null ? "" : filter);
        model.addAttribute("statuses", MailOutbox.STATUSES);
        return "console/mail";
    }

    @PostMapping("/console/mail/{id}/retry")
    String retry(@PathVariable String id, RedirectAttributes redirect) {
        Roles.requireWriter();
        outbox.retry(id);
        redirect.addFlashAttribute("notice", "Mail " + id + " is queued again.");
        return "redirect:/console/mail?status=failed";
    }
}
