package io.tollgate.integrations;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Reading call logs: paginated, newest first, filtered; always within one organization unless an operator asks for all. */
@Service
public class CallLogs {
    private static final Set<String> SOURCES = Set.of("proxy", "health_check", "oauth");
    private static final Set<String> TYPES = Set.of("api_request", "api_response", "error", "webhook", "system");
    private final JdbcClient jdbc;
    private final Connections connections;

    CallLogs(JdbcClient jdbc, Connections connections) {
        this.jdbc = jdbc;
        this.connections = connections;
    }

    /** Filters; every one may be null. status: an exact code (404) or a class (2xx, 4xx, 5xx); errors_only: no answer or 4xx/5xx. */
    public record Filter(String source, String logType, String method, String status, Boolean errorsOnly, Instant from, Instant to) {}

    /**
     * @param organizationId null: every organization's (operators)
     * @param connectionId   null: every connection of the organization
     */
    public PageResult<CallLog> list(String organizationId, String connectionId, Filter filter, PageQuery page) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (connectionId != null) {
            if (organizationId != null) connections.get(organizationId, connectionId);
            where.append(" AND connection_id = ?");
            params.add(connectionId);
        }
        if (organizationId != null) {
            where.append(" AND organization_id = ?");
            params.add(organizationId);
        }
        if (filter.source() != null) {
            if (!SOURCES.contains(filter.source())) throw ApiException.invalidField("source", "must be one of " + SOURCES);
            where.append(" AND source = ?");
            params.add(filter.source());
        }
        if (filter.logType() != null) {
            if (!TYPES.contains(filter.logType())) throw ApiException.invalidField("log_type", "must be one of " + TYPES);
            where.append(" AND log_type = ?");
            params.add(filter.logType());
        }
        if (filter.method() != null) {
            if (!filter.method().matches("[A-Za-z]{1,10}")) throw ApiException.invalidField("method", "must be an HTTP method");
            where.append(" AND method = ?");
            params.add(filter.method().toUpperCase());
        }
        if (filter.status() != null) {
            if (filter.status().matches("[1-5]xx")) {
                int base = (filter.status().charAt(0) - '0') * 100;
                where.append(" AND response_status >= ? AND response_status < ?");
                params.add(base);
                params.add(base + 100);
            } else if (filter.status().matches("[1-5][0-9]{2}")) {
                where.append(" AND response_status = ?");
                params.add(Integer.parseInt(filter.status()));
            } else {
                throw ApiException.invalidField("status", "must be a status code (404) or a class (4xx)");
            }
        }
        if (Boolean.TRUE.equals(filter.errorsOnly())) where.append(" AND (response_status IS NULL OR response_status >= 400)");
        if (filter.from() != null) {
            where.append(" AND created_at >= ?");
            params.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND created_at < ?");
            params.add(Timestamp.from(filter.to()));
        }
        long total = jdbc.sql("SELECT count(*) FROM integration_logs" + where).params(params).query(Long.class).single();
        List<CallLog> items = jdbc.sql("SELECT * FROM integration_logs" + where + " ORDER BY created_at DESC, id DESC LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).params(params).query(CallLogs::map).list();
        return page.result(items, total);
    }

    private static CallLog map(ResultSet rs, int row) throws SQLException {
        return new CallLog(rs.getString("id"), rs.getString("connection_id"), rs.getString("organization_id"), rs.getString("log_type"),
                rs.getString("source"), rs.getString("method"), rs.getString("endpoint"), JsonText.map(rs.getString("request_headers")),
                JsonText.value(rs.getString("request_body")), (Integer) rs.getObject("response_status"), JsonText.map(rs.getString("response_headers")),
                JsonText.value(rs.getString("response_body")), (Integer) rs.getObject("response_time_ms"), rs.getString("error_message"),
                rs.getString("error_code"), rs.getString("user_id"), rs.getString("ip_address"), rs.getLong("bytes_sent"), rs.getLong("bytes_received"),
                rs.getTimestamp("created_at").toInstant());
    }
}
