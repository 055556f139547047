package io.tollgate.audit;

import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Reading the audit log: the admin API and the console ask the same question the same way. */
@Service
public class AuditLog {
    private final JdbcClient jdbc;
    private final Json json;

    AuditLog(JdbcClient jdbc, Json json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Every field is optional; blank counts as absent. */
    public record Filter(String targetType, String targetId, String actorId, String action) {
        public static final Filter NONE = new Filter(null, null, null, null);
    }

    /** Entries matching every given filter, newest first. */
    public PageResult<AuditEntry> list(PageQuery page, Filter filter) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        add(where, params, "target_type", filter.targetType());
        add(where, params, "target_id", filter.targetId());
        add(where, params, "actor_id", filter.actorId());
        add(where, params, "action", filter.action());
        long total = jdbc.sql("SELECT count(*) FROM audit_log" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(page.perPage());
        pageParams.add(page.offset());
        List<AuditEntry> items = jdbc.sql("SELECT * FROM audit_log" + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(pageParams).query(this::map).list();
        return page.result(items, total);
    }

    /** The distinct actions recorded so far, for filter pickers. */
    public List<String> actions() {
        return jdbc.sql("SELECT DISTINCT action FROM audit_log ORDER BY action LIMIT 500").query(String.class).list();
    }

    private static void add(StringBuilder where, List<Object> params, String column, String value) {
        if (value == null || value.isBlank()) return;
        where.append(" AND ").append(column).append(" = ?");
        params.add(value.strip());
    }

    /** Any JSON value: AuditTrail.record takes any object, so an entry may hold a list (reading only maps answered 500). */
    private Object jsonValue(String text) {
        return text == null ? null : json.read(text, Object.class);
    }

    private AuditEntry map(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getString("id"), rs.getString("actor_type"), rs.getString("actor_id"),
                rs.getString("action"), rs.getString("target_type"), rs.getString("target_id"),
                jsonValue(rs.getString("before")), jsonValue(rs.getString("after")),
                rs.getString("request_id"), rs.getTimestamp("created_at").toInstant());
    }
}
