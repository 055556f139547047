package io.tollgate.apps;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.organizations.Organization;
import io.tollgate.organizations.OrganizationGuard;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.Metadata;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.TenantScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The apps module's public face: the registry of external applications. */
@Service
public class Applications implements OrganizationGuard {
    static final String CACHE_TOPIC = "app";
    private static final int SNAPSHOT_CACHE_MAX = 100_000;

    private final JdbcClient jdbc;
    private final Json json;
    private final AuditTrail audit;
    private final Organizations organizations;
    private final CacheInvalidation invalidation;
    private final ApplicationEventPublisher events;
    /** Hot-path view of apps; a missing app is cached as empty so junk ids cost one query at most. */
    private final Cache<String, Optional<AppSnapshot>> snapshots = Caffeine.newBuilder()
            .maximumSize(SNAPSHOT_CACHE_MAX).expireAfterWrite(Duration.ofMinutes(10)).build();

    Applications(JdbcClient jdbc, Json json, AuditTrail audit, Organizations organizations,
                 CacheInvalidation invalidation, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.organizations = organizations;
        this.invalidation = invalidation;
        this.events = events;
        invalidation.subscribe(CACHE_TOPIC, snapshots::invalidate, snapshots::invalidateAll);
    }

    /** The cached view used on every API call. Empty when the app does not exist or was deleted. */
    public Optional<AppSnapshot> snapshot(String appId) {
        return snapshots.get(appId, id -> TenantScope.cacheFill(() -> jdbc.sql("""
                SELECT id, organization_id, name, app_identifier, status, pricing_model
                FROM applications WHERE id = ? AND deleted_at IS NULL""").param(id)
                .query((rs, i) -> new AppSnapshot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        AppStatus.valueOf(rs.getString(5).toUpperCase()), PricingModel.valueOf(rs.getString(6).toUpperCase())))
                .optional()));
    }

    public Optional<Application> find(String id) {
        if (!Ids.looksLike("app", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM applications WHERE id = ? AND deleted_at IS NULL").param(id).query(this::map).optional();
    }

    public Application get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("application", id));
    }

    public record Filter(AppStatus status, AppType appType, String organizationId, String search) {}

    public PageResult<Application> list(PageQuery page, Filter filter) {
        StringBuilder where = new StringBuilder(" WHERE deleted_at IS NULL");
        List<Object> params = new ArrayList<>();
        if (filter.status() != null) { where.append(" AND status = ?"); params.add(filter.status().name().toLowerCase()); }
        if (filter.appType() != null) { where.append(" AND app_type = ?"); params.add(filter.appType().name().toLowerCase()); }
        if (filter.organizationId() != null) { where.append(" AND organization_id = ?"); params.add(filter.organizationId()); }
        if (filter.search() != null && !filter.search().isBlank()) {
            where.append(" AND (name ILIKE ? OR app_identifier ILIKE ? OR id = ?)");
            String like = "%" + filter.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            params.add(like);
            params.add(like);
            params.add(filter.search());
        }
        long total = jdbc.sql("SELECT count(*) FROM applications" + where).params(params).query(Long.class).single();
        List<Application> items = jdbc.sql("SELECT * FROM applications" + where
                        + " ORDER BY created_at DESC, id DESC LIMIT " + page.perPage() + " OFFSET " + page.offset())
                .params(params).query(this::map).list();
        return page.result(items, total);
    }

    @Transactional
    public Application create(ApplicationRequest request) {
        List<ApiException.FieldProblem> missing = new ArrayList<>();
        if (request.organizationId() == null) missing.add(new ApiException.FieldProblem("organization_id", "is required"));
        if (request.name() == null) missing.add(new ApiException.FieldProblem("name", "is required"));
        if (request.appType() == null) missing.add(new ApiException.FieldProblem("app_type", "is required"));
        if (!missing.isEmpty()) throw ApiException.invalidFields(missing);
        Organization organization = organizations.find(request.organizationId())
                .orElseThrow(() -> ApiException.invalidField("organization_id", "does not name an existing organization"));
        String id = Ids.next("app");
        try {
            jdbc.sql("""
                    INSERT INTO applications (id, organization_id, name, description, app_type, app_url, app_identifier,
                      status, pricing_model, metadata)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")
                    .params(id, organization.id(), request.name().strip(), request.description(), lower(request.appType()),
                            request.appUrl(), request.appIdentifier(),
                            request.status() == null ? "pending" : lower(request.status()),
                            request.pricingModel() == null ? "free" : lower(request.pricingModel()),
                            json.write(Metadata.check(request.metadata(), json)))
                    .update();
        } catch (DuplicateKeyException e) {
            throw duplicateIdentifier();
        }
        Application created = get(id);
        audit.record("application.created", "application", id, null, created);
        return created;
    }

    /** Changes the non-null fields of the request. */
    @Transactional
    public Application update(String id, ApplicationRequest request) {
        return update(id, request, Set.of());
    }

    /** The optional columns an update can set to none. */
    public static final Set<String> CLEARABLE = Set.of("description", "app_url", "app_identifier");

    /** As above, and sets the named CLEARABLE columns to null. */
    @Transactional
    public Application update(String id, ApplicationRequest request, Set<String> cleared) {
        Application before = lockLive(id);
        if (request.organizationId() != null && !request.organizationId().equals(before.organizationId())) {
            throw ApiException.invalidField("organization_id", "cannot be changed; register the app under the other organization instead");
        }
        try {
            jdbc.sql("""
                    UPDATE applications SET name = coalesce(?, name),
                      description = CASE WHEN ? THEN NULL ELSE coalesce(?, description) END, app_type = coalesce(?, app_type),
                      app_url = CASE WHEN ? THEN NULL ELSE coalesce(?, app_url) END,
                      app_identifier = CASE WHEN ? THEN NULL ELSE coalesce(?, app_identifier) END,
                      status = coalesce(?, status), pricing_model = coalesce(?, pricing_model),
                      metadata = coalesce(?::jsonb, metadata), updated_at = now()
                    WHERE id = ?""")
                    .params(request.name() == null ? null : request.name().strip(),
                            cleared.contains("description"), request.description(), lower(request.appType()),
                            cleared.contains("app_url"), request.appUrl(), cleared.contains("app_identifier"), request.appIdentifier(),
                            lower(request.status()), lower(request.pricingModel()),
                            request.metadata() == null ? null : json.write(Metadata.check(request.metadata(), json)), id)
                    .update();
        } catch (DuplicateKeyException e) {
            throw duplicateIdentifier();
        }
        Application after = get(id);
        invalidation.publish(CACHE_TOPIC, id);
        audit.record(before.status() != after.status() ? "application.status_changed" : "application.updated",
                "application", id, before, after);
        return after;
    }

    @Transactional
    public void delete(String id) {
        Application before = lockLive(id);
        jdbc.sql("UPDATE applications SET deleted_at = now(), updated_at = now() WHERE id = ?").param(id).update();
        events.publishEvent(new ApplicationDeleted(id, before.organizationId()));
        invalidation.publish(CACHE_TOPIC, id);
        audit.record("application.deleted", "application", id, before, null);
    }

    @Override
    public String blocksDeletion(String organizationId) {
        long live = jdbc.sql("SELECT count(*) FROM applications WHERE organization_id = ? AND deleted_at IS NULL")
                .param(organizationId).query(Long.class).single();
        return live == 0 ? null : "The organization still owns " + live + " application" + (live == 1 ? "" : "s") + "; delete them first";
    }

    private Application lockLive(String id) {
        if (!Ids.looksLike("app", id)) throw ApiException.notFound("application", id);
        return jdbc.sql("SELECT * FROM applications WHERE id = ? AND deleted_at IS NULL FOR UPDATE").param(id)
                .query(this::map).optional().orElseThrow(() -> ApiException.notFound("application", id));
    }

    private static ApiException duplicateIdentifier() {
        return ApiException.conflict("APP_IDENTIFIER_TAKEN", "Another application already uses this app_identifier");
    }

    private static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase();
    }

    private Application map(ResultSet rs, int row) throws SQLException {
        return new Application(rs.getString("id"), rs.getString("organization_id"), rs.getString("name"),
                rs.getString("description"), AppType.valueOf(rs.getString("app_type").toUpperCase()), rs.getString("app_url"),
                rs.getString("app_identifier"), AppStatus.valueOf(rs.getString("status").toUpperCase()),
                PricingModel.valueOf(rs.getString("pricing_model").toUpperCase()), json.readMap(rs.getString("metadata")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
