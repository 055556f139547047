package io.tollgate.billing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.metering.ActivePlan;
import io.tollgate.metering.Payer;
import io.tollgate.metering.Plan;
import io.tollgate.metering.PlanResolver;
import io.tollgate.metering.Plans;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Subscriptions, and the answer to "which plan is this payer on" for the metering hot path
 * (cached per payer, invalidated on every change on every node).
 */
@Service
public class Subscriptions implements PlanResolver {
    static final String CACHE_TOPIC = "subscription";
    private final JdbcClient jdbc;
    private final Json json;
    private final AuditTrail audit;
    private final Plans plans;
    private final CacheInvalidation invalidation;
    private final Clock clock;
    private final Cache<String, Optional<Subscription>> live = Caffeine.newBuilder().maximumSize(500_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    Subscriptions(JdbcClient jdbc, Json json, AuditTrail audit, Plans plans, CacheInvalidation invalidation, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.plans = plans;
        this.invalidation = invalidation;
        this.clock = clock;
        invalidation.subscribe(CACHE_TOPIC, live::invalidate, live::invalidateAll);
    }

    @Override
    public Optional<ActivePlan> subscribed(Payer.Type type, String payerId) {
        String subscriberType = type.name().toLowerCase();
        Optional<Subscription> subscription = live.get(subscriberType + ":" + payerId, k -> jdbc.sql(
                        "SELECT * FROM subscriptions WHERE subscriber_type = ? AND subscriber_id = ? AND status IN ('active', 'past_due')")
                .params(subscriberType, payerId).query(this::map).optional());
        Instant now = clock.instant();
        return subscription
                .filter(s -> now.isBefore(s.currentPeriodEnd()))
                .flatMap(s -> plans.find(s.planId()).map(p -> new ActivePlan(p, s.id(), s.status(), s.currentPeriodStart(), s.currentPeriodEnd())));
    }

    public record Start(String subscriberType, String subscriberId, String appId, String planId) {}

    /** Starts a subscription now, ending the subscriber's current one. */
    @Transactional
    public Subscription start(Start request) {
        Plan plan = plans.find(request.planId()).filter(Plan::isActive)
                .orElseThrow(() -> ApiException.invalidField("plan_id", "does not name an active plan"));
        boolean forOrganization = "organization".equals(request.subscriberType());
        if (forOrganization != (plan.audience() == Plan.PlanAudience.ORGANIZATION)) {
            throw ApiException.invalidField("plan_id", "is a plan for " + plan.audience().name().toLowerCase().replace('_', ' ') + "s");
        }
        Instant now = clock.instant();
        jdbc.sql("""
                UPDATE subscriptions SET status = 'canceled', canceled_at = ?, updated_at = now()
                WHERE subscriber_type = ? AND subscriber_id = ? AND status IN ('active', 'past_due')""")
                .params(Timestamp.from(now), request.subscriberType(), request.subscriberId()).update();
        Instant end = plan.billingCycle() == Plan.BillingCycle.YEARLY
                ? now.atZone(ZoneOffset.UTC).plusYears(1).toInstant() : now.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        String id = Ids.next("sub");
        jdbc.sql("""
                INSERT INTO subscriptions (id, subscriber_type, subscriber_id, app_id, plan_id, status, current_period_start, current_period_end)
                VALUES (?, ?, ?, ?, ?, 'active', ?, ?)""")
                .params(id, request.subscriberType(), request.subscriberId(), request.appId(), plan.id(), Timestamp.from(now),
                        Timestamp.from(end)).update();
        invalidation.publish(CACHE_TOPIC, request.subscriberType() + ":" + request.subscriberId());
        Subscription created = get(id);
        audit.record("subscription.started", "subscription", id, null, created);
        return created;
    }

    @Transactional
    public Subscription cancelNow(String id) {
        Subscription before = get(id);
        if (!List.of("active", "past_due").contains(before.status())) return before;
        jdbc.sql("UPDATE subscriptions SET status = 'canceled', canceled_at = ?, updated_at = now() WHERE id = ?")
                .params(Timestamp.from(clock.instant()), id).update();
        invalidation.publish(CACHE_TOPIC, before.subscriberType() + ":" + before.subscriberId());
        Subscription after = get(id);
        audit.record("subscription.canceled", "subscription", id, before, after);
        return after;
    }

    public Subscription get(String id) {
        if (!Ids.looksLike("sub", id)) throw ApiException.notFound("subscription", id);
        return jdbc.sql("SELECT * FROM subscriptions WHERE id = ?").param(id).query(this::map).optional()
                .orElseThrow(() -> ApiException.notFound("subscription", id));
    }

    public PageResult<Subscription> list(PageQuery page, String subscriberId, String status) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (subscriberId != null) { where.append(" AND subscriber_id = ?"); params.add(subscriberId); }
        if (status != null) { where.append(" AND status = ?"); params.add(status); }
        long total = jdbc.sql("SELECT count(*) FROM subscriptions" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(page.perPage());
        pageParams.add(page.offset());
        List<Subscription> items = jdbc.sql("SELECT * FROM subscriptions" + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(pageParams).query(this::map).list();
        return page.result(items, total);
    }

    private Subscription map(ResultSet rs, int row) throws SQLException {
        Timestamp canceled = rs.getTimestamp("canceled_at");
        return new Subscription(rs.getString("id"), rs.getString("subscriber_type"), rs.getString("subscriber_id"), rs.getString("app_id"),
                rs.getString("plan_id"), rs.getString("status"), rs.getTimestamp("current_period_start").toInstant(),
                rs.getTimestamp("current_period_end").toInstant(), rs.getBoolean("auto_renew"), rs.getBoolean("cancel_at_period_end"),
                canceled == null ? null : canceled.toInstant(), json.readMap(rs.getString("metadata")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
