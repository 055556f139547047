package io.tollgate.metering;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.apps.Applications;
import io.tollgate.audit.AuditTrail;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Features and their price rules, per app. The hot path reads cached {@link FeatureRule}s. */
@Service
public class Features {
    static final String CACHE_TOPIC = "feature";
    private final JdbcClient jdbc;
    private final Json json;
    private final AuditTrail audit;
    private final Applications applications;
    private final CacheInvalidation invalidation;
    /** "appId/featureName" → rule; absent features are cached as empty. */
    private final Cache<String, Optional<FeatureRule>> rules = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    Features(JdbcClient jdbc, Json json, AuditTrail audit, Applications applications, CacheInvalidation invalidation) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.applications = applications;
        this.invalidation = invalidation;
        invalidation.subscribe(CACHE_TOPIC, rules::invalidate, rules::invalidateAll);
    }

    public Optional<FeatureRule> rule(String appId, String featureName) {
        return rules.get(appId + "/" + featureName, k -> TenantScope.cacheFill(() -> jdbc.sql(
                        "SELECT * FROM features WHERE app_id = ? AND feature_name = ? AND deleted_at IS NULL")
                .params(appId, featureName).query(this::map).optional().map(Features::toRule)));
    }

    /**
     * The rule of a feature an app calls: 404 FEATURE_NOT_ENABLED when the app defines no feature of that name,
     * 403 FEATURE_DISABLED when it is disabled.
     */
    public FeatureRule activeRule(String appId, String featureName) {
        FeatureRule rule = rule(appId, featureName).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "FEATURE_NOT_ENABLED",
                "This app has no " + featureName + " feature; an operator defines it with POST /api/external-apps/" + appId + "/features",
                Map.of("feature", featureName), Map.of()));
        if (!rule.active()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "FEATURE_DISABLED", "The feature " + featureName + " is disabled for this app");
        }
        return rule;
    }

    public PageResult<Feature> list(String appId, PageQuery page) {
        applications.get(appId);
        long total = jdbc.sql("SELECT count(*) FROM features WHERE app_id = ? AND deleted_at IS NULL").param(appId).query(Long.class).single();
        List<Feature> items = jdbc.sql("SELECT * FROM features WHERE app_id = ? AND deleted_at IS NULL ORDER BY feature_name LIMIT ? OFFSET ?")
                .params(appId, page.perPage(), page.offset()).query(this::map).list();
        return page.result(items, total);
    }

    public Feature get(String appId, String featureId) {
        if (!Ids.looksLike("fea", featureId)) throw ApiException.notFound("feature", featureId);
        return jdbc.sql("SELECT * FROM features WHERE id = ? AND app_id = ? AND deleted_at IS NULL").params(featureId, appId)
                .query(this::map).optional().orElseThrow(() -> ApiException.notFound("feature", featureId));
    }

    @Transactional
    public Feature create(String appId, FeatureRequest r) {
        applications.get(appId);
        List<ApiException.FieldProblem> missing = new ArrayList<>();
        if (r.featureName() == null) missing.add(new ApiException.FieldProblem("feature_name", "is required"));
        if (r.pricingType() == null) missing.add(new ApiException.FieldProblem("pricing_type", "is required"));
        if (!missing.isEmpty()) throw ApiException.invalidFields(missing);
        long price = orZero(r.price());
        checkCoherent(new Rule(r.pricingType(), orZero(r.creditCost()), price, r.currency(), r.backend(), r.upstreamUrl()));
        String id = Ids.next("fea");
        try {
            jdbc.sql("""
                    INSERT INTO features (id, app_id, feature_name, display_name, pricing_type, credit_cost, price_per_request_minor,
                      cost_per_request_minor, currency, free_tier_limit, free_tier_period, backend, upstream_url, timeout_seconds,
                      status, metadata)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")
                    .params(id, appId, r.featureName(), r.displayName(), lower(r.pricingType()), orZero(r.creditCost()),
                            price, orZero(r.costPerRequestMinor()), r.currency(), r.freeTierLimit(),
                            r.freeTierPeriod() == null ? "day" : lower(r.freeTierPeriod()),
                            r.backend() == null ? "builtin" : lower(r.backend()), r.upstreamUrl(),
                            r.timeoutSeconds() == null ? 60 : r.timeoutSeconds(), r.status() == null ? "active" : r.status(),
                            json.write(Metadata.check(r.metadata(), json)))
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("FEATURE_EXISTS", "The app already has a feature named " + r.featureName());
        }
        Feature created = get(appId, id);
        invalidation.publish(CACHE_TOPIC, appId + "/" + created.featureName());
        audit.record("feature.created", "feature", id, null, created);
        return created;
    }

    /** Optional settings a PUT cannot clear (an absent field keeps its value), and the column each clears. */
    public static final Set<String> CLEARABLE = Set.of("free_tier_limit", "upstream_url");

    @Transactional
    public Feature update(String appId, String featureId, FeatureRequest r) {
        return update(appId, featureId, r, Set.of());
    }

    /** As update, and sets the named CLEARABLE settings to none (no free allowance, no upstream URL) in the same change. */
    @Transactional
    public Feature update(String appId, String featureId, FeatureRequest r, Set<String> clear) {
        if (!CLEARABLE.containsAll(clear)) throw new IllegalArgumentException("cannot clear " + clear);
        Feature before = get(appId, featureId);
        if (clear.contains("upstream_url") && (r.backend() == null ? before.backend() : r.backend()) == FeatureBackend.UPSTREAM) {
            throw ApiException.invalidField("upstream_url", "is required for backend upstream"); // before the table's CHECK refuses it
        }
        if (r.featureName() != null && !r.featureName().equals(before.featureName())) {
            throw ApiException.invalidField("feature_name", "cannot be changed; create a new feature instead");
        }
        Long price = r.price();
        // Checked before writing: the table's own CHECKs would only say "conflict".
        checkCoherent(new Rule(r.pricingType() == null ? before.pricingType() : r.pricingType(),
                r.creditCost() == null ? before.creditCost() : r.creditCost(), price == null ? before.pricePerRequestMinor() : price,
                r.currency() == null ? before.currency() : r.currency(), r.backend() == null ? before.backend() : r.backend(),
                r.upstreamUrl() == null ? before.upstreamUrl() : r.upstreamUrl()));
        jdbc.sql("""
                UPDATE features SET display_name = coalesce(?, display_name), pricing_type = coalesce(?, pricing_type),
                  credit_cost = coalesce(?, credit_cost), price_per_request_minor = coalesce(?, price_per_request_minor),
                  cost_per_request_minor = coalesce(?, cost_per_request_minor), currency = coalesce(?, currency),
                  free_tier_limit = coalesce(?, free_tier_limit), free_tier_period = coalesce(?, free_tier_period),
                  backend = coalesce(?, backend), upstream_url = coalesce(?, upstream_url),
                  timeout_seconds = coalesce(?, timeout_seconds), status = coalesce(?, status),
                  metadata = coalesce(?::jsonb, metadata), updated_at = now()
                WHERE id = ?""")
                .params(r.displayName(), lower(r.pricingType()), r.creditCost(), price, r.costPerRequestMinor(),
                        r.currency(), r.freeTierLimit(), lower(r.freeTierPeriod()), lower(r.backend()), r.upstreamUrl(),
                        r.timeoutSeconds(), r.status(), r.metadata() == null ? null : json.write(Metadata.check(r.metadata(), json)),
                        featureId)
                .update();
        for (String column : clear) { // from CLEARABLE only, checked above
            jdbc.sql("UPDATE features SET " + column + " = NULL WHERE id = ?").param(featureId).update();
        }
        Feature after = get(appId, featureId);
        invalidation.publish(CACHE_TOPIC, appId + "/" + after.featureName());
        audit.record("feature.updated", "feature", featureId, before, after);
        return after;
    }

    @Transactional
    public void delete(String appId, String featureId) {
        Feature before = get(appId, featureId);
        jdbc.sql("UPDATE features SET deleted_at = now(), updated_at = now() WHERE id = ?").param(featureId).update();
        invalidation.publish(CACHE_TOPIC, appId + "/" + before.featureName());
        audit.record("feature.deleted", "feature", featureId, before, null);
    }

    /** What a feature's price rule and backend would be after a write. */
    private record Rule(PricingType type, long creditCost, long price, String currency, FeatureBackend backend, String upstreamUrl) {}

    /** Rules that would make a feature unusable are refused when they are written, not when called. */
    private static void checkCoherent(Rule f) {
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        if (f.type() == PricingType.CREDIT && f.creditCost() <= 0) {
            problems.add(new ApiException.FieldProblem("credit_cost", "must be positive for pricing_type credit"));
        }
        if (f.type() == PricingType.PER_REQUEST && f.price() <= 0 && f.creditCost() <= 0) {
            problems.add(new ApiException.FieldProblem("price_per_request", "must be positive for pricing_type per_request (or give a credit_cost)"));
        }
        if (f.price() > 0 && f.currency() == null) {
            problems.add(new ApiException.FieldProblem("currency", "is required with a price_per_request"));
        }
        if (f.backend() == FeatureBackend.UPSTREAM && f.upstreamUrl() == null) {
            problems.add(new ApiException.FieldProblem("upstream_url", "is required for backend upstream"));
        }
        String urlProblem = f.upstreamUrl() == null ? null : UpstreamUrls.problem(f.upstreamUrl());
        if (urlProblem != null) problems.add(new ApiException.FieldProblem("upstream_url", urlProblem));
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
    }

    static FeatureRule toRule(Feature f) {
        return new FeatureRule(f.id(), f.appId(), f.featureName(), f.pricingType(), f.creditCost(), f.pricePerRequestMinor(),
                f.costPerRequestMinor(), f.currency(), f.freeTierLimit(), f.freeTierPeriod(), f.backend(), f.upstreamUrl(),
                f.timeoutSeconds(), "active".equals(f.status()));
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase();
    }

    private static long orZero(Number n) {
        return n == null ? 0 : n.longValue();
    }

    private Feature map(ResultSet rs, int row) throws SQLException {
        Object free = rs.getObject("free_tier_limit");
        return new Feature(rs.getString("id"), rs.getString("app_id"), rs.getString("feature_name"), rs.getString("display_name"),
                PricingType.valueOf(rs.getString("pricing_type").toUpperCase()), rs.getInt("credit_cost"),
                rs.getLong("price_per_request_minor"), rs.getLong("cost_per_request_minor"), rs.getString("currency"),
                free == null ? null : ((Number) free).intValue(), FreeTierPeriod.valueOf(rs.getString("free_tier_period").toUpperCase()),
                FeatureBackend.valueOf(rs.getString("backend").toUpperCase()), rs.getString("upstream_url"), rs.getInt("timeout_seconds"),
                rs.getString("status"), json.readMap(rs.getString("metadata")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
