package io.tollgate.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Admin: audit log")
class AuditLogController {
    private final JdbcClient jdbc;
    private final Json json;

    AuditLogController(JdbcClient jdbc, Json json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @GetMapping("/api/admin/audit-log")
    @Operation(summary = "List operator changes, newest first")
    Envelope<List<AuditEntry>> list(@RequestParam(required = false) Integer page,
                                    @RequestParam(name = "per_page", required = false) Integer perPage,
                                    @RequestParam(name = "target_type", required = false) String targetType,
                                    @RequestParam(name = "target_id", required = false) String targetId,
                                    @RequestParam(name = "actor_id", required = false) String actorId,
                                    @RequestParam(required = false) String action) {
        PageQuery query = PageQuery.of(page, perPage);
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (targetType != null) { where.append(" AND target_type = ?"); params.add(targetType); }
        if (targetId != null) { where.append(" AND target_id = ?"); params.add(targetId); }
        if (actorId != null) { where.append(" AND actor_id = ?"); params.add(actorId); }
        if (action != null) { where.append(" AND action = ?"); params.add(action); }
        long total = jdbc.sql("SELECT count(*) FROM audit_log" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(query.perPage());
        pageParams.add(query.offset());
        List<AuditEntry> items = jdbc.sql("SELECT * FROM audit_log" + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(pageParams)
                .query((rs, i) -> new AuditEntry(rs.getString("id"), rs.getString("actor_type"), rs.getString("actor_id"),
                        rs.getString("action"), rs.getString("target_type"), rs.getString("target_id"),
                        rs.getString("before") == null ? null : json.readMap(rs.getString("before")),
                        rs.getString("after") == null ? null : json.readMap(rs.getString("after")),
                        rs.getString("request_id"), rs.getTimestamp("created_at").toInstant()))
                .list();
        return Envelope.page(query.result(items, total));
    }
}
