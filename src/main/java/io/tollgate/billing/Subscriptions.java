package io.tollgate.billing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.metering.ActivePlan;
import io.tollgate.metering.Payer;
import io.tollgate.metering.PlanResolver;
import io.tollgate.metering.Plans;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.TenantScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The billing module's public face for reading subscriptions, and the answer to "which plan is this
 * payer on" for the metering hot path: cached per payer, invalidated on every change on every node
 * (see {@link SubscriptionStore}). Active and past_due subscriptions give their plan until their
 * period ends, plus {@link #RENEWAL_LAG} while the renewal is under way (the scheduler's next run;
 * Stripe's renewal events); incomplete, unpaid and canceled ones give none.
 */
@Service
public class Subscriptions implements PlanResolver {
    /** A renewal lands shortly after the period ends; the plan does not lapse in between. */
    static final Duration RENEWAL_LAG = Duration.ofHours(1);
    private final SubscriptionStore store;
    private final Plans plans;
    private final Clock clock;
    private final Cache<String, Optional<Subscription>> live = Caffeine.newBuilder().maximumSize(500_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    Subscriptions(SubscriptionStore store, Plans plans, CacheInvalidation invalidation, Clock clock) {
        this.store = store;
        this.plans = plans;
        this.clock = clock;
        invalidation.subscribe(SubscriptionStore.CACHE_TOPIC, live::invalidate, live::invalidateAll);
    }

    @Override
    public Optional<ActivePlan> subscribed(Payer.Type type, String payerId) {
        String subscriberType = type.name().toLowerCase();
        Optional<Subscription> subscription = live.get(subscriberType + ":" + payerId, k -> TenantScope.cacheFill(() -> store.live(subscriberType, payerId)));
        Instant now = clock.instant();
        return subscription
                .filter(s -> now.isBefore(s.currentPeriodEnd().plus(RENEWAL_LAG)))
                .flatMap(s -> plans.find(s.planId()).map(p -> new ActivePlan(p, s.id(), s.status(), s.currentPeriodStart(), s.currentPeriodEnd())));
    }

    public Subscription get(String id) {
        return store.get(id);
    }

    public Optional<Subscription> find(String id) {
        return store.find(id);
    }

    public List<SubscriptionCharge> charges(String subscriptionId) {
        return store.charges(subscriptionId, 100);
    }

    public PageResult<Subscription> list(PageQuery page, String subscriberId, String status) {
        return list(page, null, subscriberId, null, status);
    }

    PageResult<Subscription> list(PageQuery page, String subscriberType, String subscriberId, String appId, String status) {
        StringBuilder where = new StringBuilder("true");
        List<Object> params = new ArrayList<>();
        if (subscriberType != null) { where.append(" AND subscriber_type = ?"); params.add(subscriberType); }
        if (subscriberId != null) { where.append(" AND subscriber_id = ?"); params.add(subscriberId); }
        if (appId != null) { where.append(" AND app_id = ?"); params.add(appId); }
        if (status != null) { where.append(" AND status = ?"); params.add(status); }
        long total = store.count(where.toString(), params);
        return page.result(store.page(where.toString(), params, page.perPage(), page.offset()), total);
    }
}
