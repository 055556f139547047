package io.tollgate.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Admin: audit log")
class AuditLogController {
    private final AuditLog log;

    AuditLogController(AuditLog log) {
        this.log = log;
    }

    @GetMapping("/api/admin/audit-log")
    @Operation(summary = "List operator changes, newest first")
    Envelope<List<AuditEntry>> list(@RequestParam(required = false) Integer page,
                                    @RequestParam(name = "per_page", required = false) Integer perPage,
                                    @RequestParam(name = "target_type", required = false) String targetType,
                                    @RequestParam(name = "target_id", required = false) String targetId,
                                    @RequestParam(name = "actor_id", required = false) String actorId,
                                    @RequestParam(required = false) String action) {
        return Envelope.page(log.list(PageQuery.of(page, perPage), new AuditLog.Filter(targetType, targetId, actorId, action)));
    }
}
