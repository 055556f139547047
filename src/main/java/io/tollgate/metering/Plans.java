package io.tollgate.metering;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Plans and tiers. Cached: the hot path asks for a payer's plan on every call. */
@Service
public class Plans {
    static final String CACHE_TOPIC = "plan";
    private static final String DEFAULT_KEY = "#default:";
    private final JdbcClient jdbc;
    private final Json json;
    private final AuditTrail audit;
    private final CacheInvalidation invalidation;
    private final Cache<String, Optional<Plan>> cache = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();
    private final Cache<Plan.PlanAudience, List<Plan>> active = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(10)).build();

    Plans(JdbcClient jdbc, Json json, AuditTrail audit, CacheInvalidation invalidation) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.invalidation = invalidation;
        // Any plan change may move the default, so drop the whole (small) cache.
        invalidation.subscribe(CACHE_TOPIC, key -> dropCaches(), this::dropCaches);
    }

    private void dropCaches() {
        cache.invalidateAll();
        active.invalidateAll();
    }

    /** Active plans of the audience whose allowance pays for the feature (what to offer on SUBSCRIPTION_REQUIRED). Cached. */
    public List<String> including(Plan.PlanAudience audience, String featureName) {
        return active.get(audience, a -> list(a, true)).stream()
                .filter(p -> p.covers(featureName) && p.tokensPerMonth() != 0).map(Plan::id).toList();
    }

    public Optional<Plan> find(String id) {
        if (id == null || id.length() > 50) return Optional.empty();
        return cache.get(id, k -> jdbc.sql("SELECT * FROM plans WHERE id = ?").param(k).query(this::map).optional());
    }

    public Plan get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("plan", id));
    }

    /** From the table, not the cache: after a change in this transaction the cache is dropped only at commit. */
    private Plan fresh(String id) {
        return jdbc.sql("SELECT * FROM plans WHERE id = ?").param(id).query(this::map).optional()
                .orElseThrow(() -> ApiException.notFound("plan", id));
    }

    /** The plan of payers without a subscription (seed 004's free tier for end users). */
    public Optional<Plan> defaultFor(Plan.PlanAudience audience) {
        return cache.get(DEFAULT_KEY + audience, k -> jdbc.sql("SELECT * FROM plans WHERE audience = ? AND is_default AND is_active")
                .param(audience.name().toLowerCase()).query(this::map).optional());
    }

    public List<Plan> list(Plan.PlanAudience audience, boolean activeOnly) {
        StringBuilder sql = new StringBuilder("SELECT * FROM plans WHERE true");
        List<Object> params = new ArrayList<>();
        if (audience != null) { sql.append(" AND audience = ?"); params.add(audience.name().toLowerCase()); }
        if (activeOnly) sql.append(" AND is_active");
        return jdbc.sql(sql + " ORDER BY audience, price_minor, id").params(params).query(this::map).list();
    }

    @Transactional
    public Plan create(PlanRequest r) {
        List<ApiException.FieldProblem> missing = new ArrayList<>();
        if (r.id() == null) missing.add(new ApiException.FieldProblem("id", "is required"));
        if (r.name() == null) missing.add(new ApiException.FieldProblem("name", "is required"));
        if (!missing.isEmpty()) throw ApiException.invalidFields(missing);
        try {
            if (Boolean.TRUE.equals(r.isDefault())) clearDefault(r.audience() == null ? Plan.PlanAudience.END_USER : r.audience());
            jdbc.sql("""
                    INSERT INTO plans (id, name, description, audience, price_minor, currency, billing_cycle, tokens_per_month,
                      daily_limit, initial_credits, features, included_features, stripe_price_id, is_default, is_active, daily_limit_features)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?::jsonb)""")
                    .params(r.id(), r.name(), r.description(), lower(r.audience() == null ? Plan.PlanAudience.END_USER : r.audience()),
                            r.priceMinor() == null ? 0 : r.priceMinor(), r.currency() == null ? "USD" : r.currency(),
                            lower(r.billingCycle() == null ? Plan.BillingCycle.MONTHLY : r.billingCycle()),
                            r.tokensPerMonth() == null ? 0 : r.tokensPerMonth(), r.dailyLimit(),
                            r.initialCredits() == null ? 0 : r.initialCredits(), json.write(r.features() == null ? List.of() : r.features()),
                            json.write(r.includedFeatures() == null ? List.of("*") : r.includedFeatures()), r.stripePriceId(),
                            Boolean.TRUE.equals(r.isDefault()), r.isActive() == null || r.isActive(),
                            json.write(r.dailyLimitFeatures() == null ? Plan.GENERATION_FEATURES : r.dailyLimitFeatures()))
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("PLAN_EXISTS", "A plan with this id or stripe_price_id already exists");
        }
        invalidation.publish(CACHE_TOPIC, r.id());
        Plan created = fresh(r.id());
        audit.record("plan.created", "plan", r.id(), null, created);
        return created;
    }

    @Transactional
    public Plan update(String id, PlanRequest r) {
        Plan before = fresh(id);
        if (r.id() != null && !r.id().equals(id)) throw ApiException.invalidField("id", "cannot be changed");
        if (r.audience() != null && r.audience() != before.audience()) throw ApiException.invalidField("audience", "cannot be changed");
        if (Boolean.TRUE.equals(r.isDefault())) clearDefault(before.audience());
        try {
            jdbc.sql("""
                    UPDATE plans SET name = coalesce(?, name), description = coalesce(?, description), price_minor = coalesce(?, price_minor),
                      currency = coalesce(?, currency), billing_cycle = coalesce(?, billing_cycle), tokens_per_month = coalesce(?, tokens_per_month),
                      daily_limit = coalesce(?, daily_limit), initial_credits = coalesce(?, initial_credits),
                      features = coalesce(?::jsonb, features), included_features = coalesce(?::jsonb, included_features),
                      stripe_price_id = coalesce(?, stripe_price_id), is_default = coalesce(?, is_default), is_active = coalesce(?, is_active),
                      daily_limit_features = coalesce(?::jsonb, daily_limit_features), updated_at = now()
                    WHERE id = ?""")
                    .params(r.name(), r.description(), r.priceMinor(), r.currency(), lower(r.billingCycle()), r.tokensPerMonth(),
                            r.dailyLimit(), r.initialCredits(), r.features() == null ? null : json.write(r.features()),
                            r.includedFeatures() == null ? null : json.write(r.includedFeatures()), r.stripePriceId(), r.isDefault(),
                            r.isActive(), r.dailyLimitFeatures() == null ? null : json.write(r.dailyLimitFeatures()), id)
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("PLAN_EXISTS", "Another plan already uses this stripe_price_id");
        }
        invalidation.publish(CACHE_TOPIC, id);
        Plan after = fresh(id);
        audit.record("plan.updated", "plan", id, before, after);
        return after;
    }

    /** Plans are never deleted (subscriptions and invoices name them); they are retired. */
    @Transactional
    public Plan retire(String id) {
        Plan before = fresh(id);
        jdbc.sql("UPDATE plans SET is_active = false, is_default = false, updated_at = now() WHERE id = ?").param(id).update();
        invalidation.publish(CACHE_TOPIC, id);
        Plan after = fresh(id);
        audit.record("plan.retired", "plan", id, before, after);
        return after;
    }

    private void clearDefault(Plan.PlanAudience audience) {
        jdbc.sql("UPDATE plans SET is_default = false WHERE audience = ? AND is_default").param(lower(audience)).update();
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase();
    }

    private Plan map(ResultSet rs, int row) throws SQLException {
        Object daily = rs.getObject("daily_limit");
        return new Plan(rs.getString("id"), rs.getString("name"), rs.getString("description"),
                Plan.PlanAudience.valueOf(rs.getString("audience").toUpperCase()), rs.getLong("price_minor"), rs.getString("currency"),
                Plan.BillingCycle.valueOf(rs.getString("billing_cycle").toUpperCase()), rs.getLong("tokens_per_month"),
                daily == null ? null : ((Number) daily).intValue(), rs.getLong("initial_credits"),
                Arrays.asList(json.read(rs.getString("features"), String[].class)),
                Arrays.asList(json.read(rs.getString("included_features"), String[].class)),
                Arrays.asList(json.read(rs.getString("daily_limit_features"), String[].class)), rs.getString("stripe_price_id"),
                rs.getBoolean("is_default"), rs.getBoolean("is_active"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
