package io.tollgate.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The catalog of connected apps: operators manage it; customers browse and activate from it. */
@Service
public class CatalogApps {
    static final String CACHE_TOPIC = "catalog_app";
    private final JdbcClient jdbc;
    private final Json json;
    private final AuditTrail audit;
    private final Plans plans;
    private final CacheInvalidation invalidation;
    /** A catalog app and its parsed schema: read on every activation, embed load and token report. */
    private final Cache<String, Optional<Entry>> cache = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    record Entry(CatalogApp app, ConfigurationSchema schema) {}

    /** Filters of a list; null means any. */
    public record Filter(String category, CatalogAppStatus status, String q) {}

    CatalogApps(JdbcClient jdbc, Json json, AuditTrail audit, Plans plans, CacheInvalidation invalidation) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.plans = plans;
        this.invalidation = invalidation;
        invalidation.subscribe(CACHE_TOPIC, cache::invalidate, cache::invalidateAll);
    }

    public Optional<CatalogApp> find(String id) {
        return entry(id).map(Entry::app);
    }

    public CatalogApp get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("catalog_app", id));
    }

    Optional<Entry> entry(String id) {
        if (id == null || id.length() > 50) return Optional.empty();
        return cache.get(id, k -> jdbc.sql("SELECT * FROM catalog_apps WHERE id = ?").param(k).query(this::map).optional()
                .map(app -> new Entry(app, parseStored(app))));
    }

    /** Customers see every app but hidden ones; operators (includeHidden) see all. */
    public PageResult<CatalogApp> list(PageQuery page, Filter filter, boolean includeHidden) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (!includeHidden) where.append(" AND status <> 'hidden'");
        if (filter.category() != null) { where.append(" AND category = ?"); params.add(filter.category()); }
        if (filter.status() != null) { where.append(" AND status = ?"); params.add(lower(filter.status())); }
        if (filter.q() != null && !filter.q().isBlank()) {
            // position(), not LIKE: the search text is taken literally (% and _ are no wildcards).
            where.append(" AND (position(lower(?) in lower(name)) > 0 OR position(lower(?) in lower(coalesce(description, ''))) > 0)");
            params.add(filter.q().trim());
            params.add(filter.q().trim());
        }
        long total = jdbc.sql("SELECT count(*) FROM catalog_apps" + where).params(params).query(Long.class).single();
        List<CatalogApp> items = jdbc.sql("SELECT * FROM catalog_apps" + where + " ORDER BY category, id LIMIT " + page.perPage()
                + " OFFSET " + page.offset()).params(params).query(this::map).list();
        return page.result(items, total);
    }

    @Transactional
    public CatalogApp create(CatalogAppRequest r) {
        List<FieldProblem> problems = new ArrayList<>();
        if (r.id() == null) problems.add(new FieldProblem("id", "is required"));
        if (r.name() == null) problems.add(new FieldProblem("name", "is required"));
        if (r.category() == null) problems.add(new FieldProblem("category", "is required"));
        if (r.tokenCost() == null) problems.add(new FieldProblem("token_cost", "is required"));
        if (r.widgetUrl() == null) problems.add(new FieldProblem("widget_url", "is required"));
        checkCommon(r, problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        try {
            jdbc.sql("""
                    INSERT INTO catalog_apps (id, name, description, category, token_cost, status, app_features, configuration_schema,
                      pricing_tier, documentation_url, icon_url, widget_url)
                    VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::json, ?, ?, ?, ?)""")
                    .params(r.id(), r.name(), r.description(), r.category(), r.tokenCost(),
                            lower(r.status() == null ? CatalogAppStatus.AVAILABLE : r.status()),
                            json.write(r.features() == null ? List.of() : r.features()),
                            json.write(r.configurationSchema() == null ? Map.of() : r.configurationSchema()),
                            r.pricingTier() == null ? null : r.pricingTier().orElse(null), r.documentationUrl(), r.iconUrl(), r.widgetUrl())
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("CATALOG_APP_EXISTS", "A catalog app with the id " + r.id() + " already exists");
        }
        invalidation.publish(CACHE_TOPIC, r.id());
        CatalogApp created = fresh(r.id());
        audit.record("catalog_app.created", "catalog_app", r.id(), null, created);
        return created;
    }

    @Transactional
    public CatalogApp update(String id, CatalogAppRequest r) {
        CatalogApp before = lock(id);
        List<FieldProblem> problems = new ArrayList<>();
        if (r.id() != null && !r.id().equals(id)) problems.add(new FieldProblem("id", "cannot be changed"));
        checkCommon(r, problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        boolean clearTier = r.pricingTier() != null && r.pricingTier().isEmpty();
        jdbc.sql("""
                UPDATE catalog_apps SET name = coalesce(?, name), description = coalesce(?, description), category = coalesce(?, category),
                  token_cost = coalesce(?, token_cost), status = coalesce(?, status), app_features = coalesce(?::jsonb, app_features),
                  configuration_schema = coalesce(?::json, configuration_schema),
                  pricing_tier = CASE WHEN ? THEN NULL ELSE coalesce(?, pricing_tier) END,
                  documentation_url = coalesce(?, documentation_url), icon_url = coalesce(?, icon_url), widget_url = coalesce(?, widget_url),
                  updated_at = now()
                WHERE id = ?""")
                .params(r.name(), r.description(), r.category(), r.tokenCost(), lower(r.status()),
                        r.features() == null ? null : json.write(r.features()),
                        r.configurationSchema() == null ? null : json.write(r.configurationSchema()), clearTier,
                        r.pricingTier() == null ? null : r.pricingTier().orElse(null), r.documentationUrl(), r.iconUrl(), r.widgetUrl(), id)
                .update();
        invalidation.publish(CACHE_TOPIC, id);
        CatalogApp after = fresh(id);
        audit.record("catalog_app.updated", "catalog_app", id, before, after);
        return after;
    }

    /** Only an app no customer ever activated; otherwise hide it (status hidden), which keeps activations working. */
    @Transactional
    public void delete(String id) {
        CatalogApp before = lock(id);
        boolean used = jdbc.sql("SELECT EXISTS (SELECT 1 FROM customer_apps WHERE app_id = ?)").param(id).query(Boolean.class).single();
        if (used) {
            throw new ApiException(HttpStatus.CONFLICT, "CATALOG_APP_IN_USE",
                    "Customers have activated this app; set its status to hidden (or deprecated) instead of deleting it");
        }
        jdbc.sql("DELETE FROM catalog_apps WHERE id = ?").param(id).update();
        invalidation.publish(CACHE_TOPIC, id);
        audit.record("catalog_app.deleted", "catalog_app", id, before, null);
    }

    /** The schema as stored; it was checked when saved, so it parses. */
    private ConfigurationSchema parseStored(CatalogApp app) {
        List<FieldProblem> problems = new ArrayList<>();
        ConfigurationSchema schema = ConfigurationSchema.parse(app.configurationSchema(), "configuration_schema", problems);
        if (schema == null) throw new IllegalStateException("catalog app " + app.id() + " has a malformed schema: " + problems);
        return schema;
    }

    private void checkCommon(CatalogAppRequest r, List<FieldProblem> problems) {
        if (r.configurationSchema() != null) ConfigurationSchema.parse(r.configurationSchema(), "configuration_schema", problems);
        if (r.widgetUrl() != null && !isWebUrl(r.widgetUrl())) {
            problems.add(new FieldProblem("widget_url", "must be an absolute http or https URL"));
        }
        if (r.pricingTier() != null && r.pricingTier().isPresent()) {
            Optional<Plan> plan = plans.find(r.pricingTier().get());
            if (plan.isEmpty() || plan.get().audience() != Plan.PlanAudience.ORGANIZATION) {
                problems.add(new FieldProblem("pricing_tier", "must be the id of an organization plan"));
            }
        }
    }

    static boolean isWebUrl(String url) {
        try {
            URI uri = new URI(url);
            return uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawUserInfo() == null;
        } catch (Exception e) {
            return false;
        }
    }

    private CatalogApp lock(String id) {
        if (id == null || id.length() > 50) throw ApiException.notFound("catalog_app", id);
        return jdbc.sql("SELECT * FROM catalog_apps WHERE id = ? FOR UPDATE").param(id).query(this::map).optional()
                .orElseThrow(() -> ApiException.notFound("catalog_app", id));
    }

    private CatalogApp fresh(String id) {
        return jdbc.sql("SELECT * FROM catalog_apps WHERE id = ?").param(id).query(this::map).single();
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase();
    }

    private CatalogApp map(ResultSet rs, int row) throws SQLException {
        return new CatalogApp(rs.getString("id"), rs.getString("name"), rs.getString("description"), rs.getString("category"),
                rs.getInt("token_cost"), CatalogAppStatus.valueOf(rs.getString("status").toUpperCase()),
                Arrays.asList(json.read(rs.getString("app_features"), String[].class)), json.readMap(rs.getString("configuration_schema")),
                rs.getString("pricing_tier"), rs.getString("documentation_url"), rs.getString("icon_url"), rs.getString("widget_url"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
