package io.tollgate.content;

import io.tollgate.apps.Applications;
import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.Metadata;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.TenantScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import java.time.Duration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The content module's public face: an app's content items, for operators and for the app API. */
@Service
public class ContentItems {
    public static final int MAX_SEARCH_LENGTH = 200;
    static final String CACHE_TOPIC = "content";
    /** Views and downloads read items on every call; bodies may be large, so the cache is bounded by size. */
    private static final long CACHE_MAX_CHARS = 32L * 1024 * 1024;
    private final JdbcClient jdbc;
    private final Json json;
    private final AuditTrail audit;
    private final Applications applications;
    private final CacheInvalidation invalidation;
    private final Cache<String, Optional<ContentItem>> byId = Caffeine.newBuilder()
            .maximumWeight(CACHE_MAX_CHARS)
            .<String, Optional<ContentItem>>weigher((id, item) -> 256 + item.map(ContentItems::chars).orElse(0))
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    ContentItems(JdbcClient jdbc, Json json, AuditTrail audit, Applications applications, CacheInvalidation invalidation) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.applications = applications;
        this.invalidation = invalidation;
        invalidation.subscribe(CACHE_TOPIC, byId::invalidate, byId::invalidateAll);
    }

    private static int chars(ContentItem item) {
        return length(item.title()) + length(item.url()) + length(item.thumbnailUrl()) + length(item.description()) + length(item.body());
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /** status null: any (admin); the app API always asks for published. */
    public record Filter(ContentType type, ContentStatus status, String search) {}

    /** Admin list: an unknown app is a 404, not an empty page. */
    public PageResult<ContentItem> listOfApp(String appId, PageQuery page, Filter filter) {
        applications.get(appId);
        return list(appId, page, filter);
    }

    public PageResult<ContentItem> list(String appId, PageQuery page, Filter filter) {
        if (filter.search() != null && filter.search().length() > MAX_SEARCH_LENGTH) {
            throw ApiException.invalidField("search", "must be at most " + MAX_SEARCH_LENGTH + " characters");
        }
        StringBuilder where = new StringBuilder(" WHERE app_id = ? AND deleted_at IS NULL");
        List<Object> params = new ArrayList<>(List.of(appId));
        if (filter.type() != null) { where.append(" AND type = ?"); params.add(lower(filter.type())); }
        if (filter.status() != null) { where.append(" AND status = ?"); params.add(lower(filter.status())); }
        if (filter.search() != null && !filter.search().isBlank()) {
            where.append(" AND (title ILIKE ? OR description ILIKE ? OR id = ?)");
            String like = "%" + filter.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            params.add(like);
            params.add(like);
            params.add(filter.search());
        }
        long total = jdbc.sql("SELECT count(*) FROM content_items" + where).params(params).query(Long.class).single();
        List<ContentItem> items = jdbc.sql("SELECT * FROM content_items" + where
                        + " ORDER BY created_at DESC, id DESC LIMIT " + page.perPage() + " OFFSET " + page.offset())
                .params(params).query(this::map).list();
        return page.result(items, total);
    }

    /** Admin view: drafts included; another app's item is a 404 like a missing one. */
    public ContentItem get(String appId, String id) {
        return find(appId, id).orElseThrow(() -> ApiException.notFound("content", id));
    }

    /** App view: only published items of that app. Cached; every change reaches every node's cache at commit. */
    public ContentItem getPublished(String appId, String id) {
        if (!Ids.looksLike("cnt", id)) throw ApiException.notFound("content", id);
        return byId.get(id, key -> TenantScope.cacheFill(() -> jdbc.sql("SELECT * FROM content_items WHERE id = ? AND deleted_at IS NULL").param(key)
                        .query(this::map).optional()))
                .filter(c -> c.appId().equals(appId) && c.status() == ContentStatus.PUBLISHED)
                .orElseThrow(() -> ApiException.notFound("content", id));
    }

    private Optional<ContentItem> find(String appId, String id) {
        if (!Ids.looksLike("cnt", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM content_items WHERE id = ? AND app_id = ? AND deleted_at IS NULL").params(id, appId)
                .query(this::map).optional();
    }

    @Transactional
    public ContentItem create(String appId, ContentRequest r) {
        applications.get(appId);
        List<ApiException.FieldProblem> missing = new ArrayList<>();
        if (r.title() == null) missing.add(new ApiException.FieldProblem("title", "is required"));
        if (r.type() == null) missing.add(new ApiException.FieldProblem("type", "is required"));
        if (!missing.isEmpty()) throw ApiException.invalidFields(missing);
        checkCoherent(r.pricingType(), r.creditsRequired());
        String id = Ids.next("cnt");
        jdbc.sql("""
                INSERT INTO content_items (id, app_id, title, type, url, thumbnail_url, description, body, pricing_type,
                  credits_required, download_credits_required, status, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")
                .params(id, appId, r.title().strip(), lower(r.type()), r.url(), r.thumbnailUrl(), r.description(), r.body(),
                        r.pricingType() == null ? "free" : lower(r.pricingType()), r.creditsRequired() == null ? 0 : r.creditsRequired(),
                        r.downloadCreditsRequired(), r.status() == null ? "draft" : lower(r.status()),
                        json.write(Metadata.check(r.metadata(), json)))
                .update();
        ContentItem created = get(appId, id);
        audit.record("content.created", "content", id, null, created);
        return created;
    }

    @Transactional
    public ContentItem update(String appId, String id, ContentRequest r) {
        ContentItem before = lock(appId, id);
        checkCoherent(r.pricingType() == null ? before.pricingType() : r.pricingType(),
                r.creditsRequired() == null ? before.creditsRequired() : r.creditsRequired());
        jdbc.sql("""
                UPDATE content_items SET title = coalesce(?, title), type = coalesce(?, type), url = coalesce(?, url),
                  thumbnail_url = coalesce(?, thumbnail_url), description = coalesce(?, description), body = coalesce(?, body),
                  pricing_type = coalesce(?, pricing_type), credits_required = coalesce(?, credits_required),
                  download_credits_required = coalesce(?, download_credits_required), status = coalesce(?, status),
                  metadata = coalesce(?::jsonb, metadata), updated_at = now()
                WHERE id = ?""")
                .params(r.title() == null ? null : r.title().strip(), lower(r.type()), r.url(), r.thumbnailUrl(), r.description(),
                        r.body(), lower(r.pricingType()), r.creditsRequired(), r.downloadCreditsRequired(), lower(r.status()),
                        r.metadata() == null ? null : json.write(Metadata.check(r.metadata(), json)), id)
                .update();
        ContentItem after = get(appId, id);
        invalidation.publish(CACHE_TOPIC, id);
        audit.record("content.updated", "content", id, before, after);
        return after;
    }

    @Transactional
    public void delete(String appId, String id) {
        ContentItem before = lock(appId, id);
        jdbc.sql("UPDATE content_items SET deleted_at = now(), updated_at = now() WHERE id = ?").param(id).update();
        invalidation.publish(CACHE_TOPIC, id);
        audit.record("content.deleted", "content", id, before, null);
    }

    private ContentItem lock(String appId, String id) {
        applications.get(appId);
        if (!Ids.looksLike("cnt", id)) throw ApiException.notFound("content", id);
        return jdbc.sql("SELECT * FROM content_items WHERE id = ? AND app_id = ? AND deleted_at IS NULL FOR UPDATE").params(id, appId)
                .query(this::map).optional().orElseThrow(() -> ApiException.notFound("content", id));
    }

    /** The item as it will be (request over stored values) must be sellable: a credit-priced item has a price. */
    private static void checkCoherent(ContentPricing pricing, Integer credits) {
        if (pricing == ContentPricing.CREDIT && (credits == null || credits <= 0)) {
            throw ApiException.invalidField("credits_required", "must be positive for pricing_type credit");
        }
    }

    private static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase();
    }

    private ContentItem map(ResultSet rs, int row) throws SQLException {
        Object download = rs.getObject("download_credits_required");
        return new ContentItem(rs.getString("id"), rs.getString("app_id"), rs.getString("title"),
                ContentType.valueOf(rs.getString("type").toUpperCase()), rs.getString("url"), rs.getString("thumbnail_url"),
                rs.getString("description"), rs.getString("body"), ContentPricing.valueOf(rs.getString("pricing_type").toUpperCase()),
                rs.getInt("credits_required"), download == null ? null : ((Number) download).intValue(),
                ContentStatus.valueOf(rs.getString("status").toUpperCase()), json.readMap(rs.getString("metadata")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
