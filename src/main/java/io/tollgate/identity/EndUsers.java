package io.tollgate.identity;

import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The identity module's public face for reading end users. */
@Service
public class EndUsers {
    private final JdbcClient jdbc;
    private final Json json;

    EndUsers(JdbcClient jdbc, Json json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @param search matches email, phone, external id, device id or user id */
    public PageResult<EndUser> list(String appId, PageQuery page, String search, String kind) {
        StringBuilder where = new StringBuilder(" WHERE app_id = ? AND status <> 'merged'");
        List<Object> params = new ArrayList<>(List.of(appId));
        if (kind != null) { where.append(" AND kind = ?"); params.add(kind); }
        if (search != null && !search.isBlank()) {
            String like = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            where.append(" AND (email ILIKE ? OR phone LIKE ? OR external_user_id ILIKE ? OR device_id ILIKE ? OR id = ?)");
            params.addAll(List.of(like, like, like, like, search.strip()));
        }
        long total = jdbc.sql("SELECT count(*) FROM end_users" + where).params(params).query(Long.class).single();
        List<EndUser> items = jdbc.sql("SELECT * FROM end_users" + where + " ORDER BY created_at DESC, id DESC LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).params(params).query(this::map).list();
        return page.result(items, total);
    }

    EndUser map(ResultSet rs, int row) throws SQLException {
        Timestamp seen = rs.getTimestamp("last_seen_at");
        return new EndUser(rs.getString("id"), rs.getString("app_id"), rs.getString("kind"), rs.getString("email"),
                rs.getString("phone"), rs.getString("external_user_id"), rs.getString("device_id"),
                rs.getString("master_user_id"), json.readMap(rs.getString("user_data")), rs.getString("status"),
                rs.getString("merged_into"), seen == null ? null : seen.toInstant(), rs.getTimestamp("created_at").toInstant());
    }
}
