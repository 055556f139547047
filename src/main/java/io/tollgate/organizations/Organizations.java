package io.tollgate.organizations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.Metadata;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.TenantScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The organizations module's public face. */
@Service
public class Organizations {
    static final String CACHE_TOPIC = "organization";
    private final JdbcClient jdbc;
    private final CacheInvalidation invalidation;
    /** Hot-path answer to "may this organization's apps call the API?". */
    private final Cache<String, Boolean> active = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();
    private final Json json;
    private final AuditTrail audit;
    /** Looked up when needed: the guards (apps, …) depend on this module, not the other way round. */
    private final ObjectProvider<OrganizationGuard> guards;

    Organizations(JdbcClient jdbc, Json json, AuditTrail audit, ObjectProvider<OrganizationGuard> guards,
                  CacheInvalidation invalidation) {
        this.jdbc = jdbc;
        this.invalidation = invalidation;
        invalidation.subscribe(CACHE_TOPIC, active::invalidate, active::invalidateAll);
        this.json = json;
        this.audit = audit;
        this.guards = guards;
    }

    public Optional<Organization> find(String id) {
        if (!Ids.looksLike("org", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM organizations WHERE id = ? AND deleted_at IS NULL").param(id).query(this::map).optional();
    }

    /** Cached; false for suspended, deleted and unknown organizations. */
    public boolean isActive(String id) {
        return active.get(id, key -> TenantScope.cacheFill(() -> jdbc.sql("SELECT count(*) FROM organizations WHERE id = ? AND status = 'active' AND deleted_at IS NULL")
                .param(key).query(Long.class).single() == 1));
    }

    public Organization get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("organization", id));
    }

    public PageResult<Organization> list(PageQuery page, String search) {
        String where = " WHERE deleted_at IS NULL" + (search == null ? "" : " AND name ILIKE ?");
        Object[] filter = search == null ? new Object[0] : new Object[] {"%" + escapeLike(search) + "%"};
        long total = jdbc.sql("SELECT count(*) FROM organizations" + where).params(filter).query(Long.class).single();
        List<Organization> items = jdbc.sql("SELECT * FROM organizations" + where + " ORDER BY created_at DESC, id DESC LIMIT " + page.perPage() + " OFFSET " + page.offset())
                .params(filter).query(this::map).list();
        return page.result(items, total);
    }

    @Transactional
    public Organization create(OrganizationRequest request) {
        if (request.name() == null) throw ApiException.invalidField("name", "is required");
        String id = Ids.next("org");
        jdbc.sql("INSERT INTO organizations (id, name, billing_email, status, metadata) VALUES (?, ?, ?, ?, ?::jsonb)")
                .params(id, request.name().strip(), request.billingEmail(),
                        (request.status() == null ? OrganizationStatus.ACTIVE : request.status()).name().toLowerCase(),
                        json.write(Metadata.check(request.metadata(), json)))
                .update();
        Organization created = get(id);
        audit.record("organization.created", "organization", id, null, created);
        return created;
    }

    @Transactional
    public Organization update(String id, OrganizationRequest request) {
        Organization before = lockLive(id);
        jdbc.sql("""
                UPDATE organizations SET name = coalesce(?, name), billing_email = coalesce(?, billing_email),
                  status = coalesce(?, status), metadata = coalesce(?::jsonb, metadata), updated_at = now()
                WHERE id = ?""")
                .params(request.name() == null ? null : request.name().strip(), request.billingEmail(),
                        request.status() == null ? null : request.status().name().toLowerCase(),
                        request.metadata() == null ? null : json.write(Metadata.check(request.metadata(), json)), id)
                .update();
        Organization after = get(id);
        invalidation.publish(CACHE_TOPIC, id);
        audit.record("organization.updated", "organization", id, before, after);
        return after;
    }

    @Transactional
    public void delete(String id) {
        Organization before = lockLive(id);
        for (OrganizationGuard guard : guards) {
            String reason = guard.blocksDeletion(id);
            if (reason != null) throw ApiException.conflict("ORGANIZATION_NOT_EMPTY", reason);
        }
        jdbc.sql("UPDATE organizations SET deleted_at = now(), updated_at = now() WHERE id = ?").param(id).update();
        invalidation.publish(CACHE_TOPIC, id);
        audit.record("organization.deleted", "organization", id, before, null);
    }

    private Organization lockLive(String id) {
        if (!Ids.looksLike("org", id)) throw ApiException.notFound("organization", id);
        return jdbc.sql("SELECT * FROM organizations WHERE id = ? AND deleted_at IS NULL FOR UPDATE").param(id)
                .query(this::map).optional().orElseThrow(() -> ApiException.notFound("organization", id));
    }

    private Organization map(ResultSet rs, int row) throws SQLException {
        return new Organization(rs.getString("id"), rs.getString("name"), rs.getString("billing_email"),
                OrganizationStatus.valueOf(rs.getString("status").toUpperCase()), json.readMap(rs.getString("metadata")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
