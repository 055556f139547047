package io.tollgate.console;

import io.tollgate.audit.AuditEntry;
import io.tollgate.audit.AuditLog;
import io.tollgate.platform.PageResult;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit log: who changed what, before and after, newest first. */
@Controller
class AuditController {
    private final AuditLog log;

    AuditController(AuditLog log) {
        this.log = log;
    }

    @GetMapping("/console/audit")
    String list(@RequestParam(name = "target_type", required = false) String targetType,
                @RequestParam(name = "target_id", required = false) String targetId,
                @RequestParam(name = "actor_id", required = false) String actorId,
                @RequestParam(required = false) String action, @RequestParam(required = false) Integer page,
                HttpServletRequest request, Model model) {
        AuditLog.Filter filter = new AuditLog.Filter(Forms.blankToNull(targetType),
                Forms.blankToNull(targetId), Forms.blankToNull(actorId), Forms.blankToNull(action));
        PageResult<AuditEntry> entries = log.list(Forms.page(page), filter);
        model.addAttribute("entries", entries.items());
        model.addAttribute("pager", Forms.pager(entries.pagination(), request));
        model.addAttribute("filter", filter);
        model.addAttribute("actions", log.actions());
        return "console/audit";
    }
}
