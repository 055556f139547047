package io.tollgate.webhooks;

import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What webhook_endpoints and webhook_sources have in common: rows of an organization, soft-deleted,
 * changed one statement at a time, and capped per organization.
 */
final class OrganizationRows {
    static final String ENDPOINTS = "webhook_endpoints";
    static final String SOURCES = "webhook_sources";

    private OrganizationRows() {}

    static <T> PageResult<T> list(JdbcClient jdbc, String table, String organizationId, PageQuery page, RowMapper<T> mapper) {
        List<T> items = jdbc.sql("SELECT * FROM " + table + " WHERE organization_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(organizationId, page.perPage(), page.offset()).query(mapper).list();
        return page.result(items, count(jdbc, table, organizationId));
    }

    static long count(JdbcClient jdbc, String table, String organizationId) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE organization_id = ? AND deleted_at IS NULL").param(organizationId)
                .query(Long.class).single();
    }

    /** assignments name columns; params are their values, in order. */
    static void update(JdbcClient jdbc, String table, String id, String assignments, Object... params) {
        Object[] all = java.util.Arrays.copyOf(params, params.length + 1);
        all[params.length] = id;
        jdbc.sql("UPDATE " + table + " SET " + assignments + ", updated_at = now() WHERE id = ?").params(all).update();
    }

    /**
     * Serializes creations of one organization's rows of this table until the transaction ends, so two
     * at once cannot both pass the limit. An advisory lock: the organizations table is not this module's.
     */
    static void lockCreation(JdbcClient jdbc, String table, String organizationId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))").param(table + ":" + organizationId).query((rs, i) -> 1).list();
    }
}
