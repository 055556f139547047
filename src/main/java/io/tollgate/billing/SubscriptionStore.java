package io.tollgate.billing;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The subscriptions and subscription_charges tables. Every write announces the subscriber's change
 * through {@link CacheInvalidation} (at commit, on every node), so the metering hot path's cached
 * "which plan" answer is never stale once a change commits.
 */
@Component
class SubscriptionStore {
    static final String CACHE_TOPIC = "subscription";
    private final JdbcClient jdbc;
    private final Json json;
    private final CacheInvalidation invalidation;
    private final ApplicationEventPublisher events;

    SubscriptionStore(JdbcClient jdbc, Json json, CacheInvalidation invalidation, ApplicationEventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.json = json;
        this.invalidation = invalidation;
    }

    record New(String id, String subscriberType, String subscriberId, String appId, String organizationId, String planId, String status,
               Instant periodStart, Instant periodEnd, String paymentMethod, String phoneNumber, String sandboxRenewalOutcome,
               long priceMinor, String currency, boolean autoRenew, String stripeCustomerId) {}

    Subscription insert(New s) {
        jdbc.sql("""
                INSERT INTO subscriptions (id, subscriber_type, subscriber_id, app_id, organization_id, plan_id, status, current_period_start,
                  current_period_end, billing_anchor, payment_method, phone_number, sandbox_renewal_outcome, price_minor, currency, auto_renew,
                  stripe_customer_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(s.id(), s.subscriberType(), s.subscriberId(), s.appId(), s.organizationId(), s.planId(), s.status(), ts(s.periodStart()),
                        ts(s.periodEnd()), ts(s.periodStart()), s.paymentMethod(), s.phoneNumber(), s.sandboxRenewalOutcome(), s.priceMinor(),
                        s.currency(), s.autoRenew(), s.stripeCustomerId())
                .update();
        Subscription created = get(s.id());
        changed(created);
        events.publishEvent(new SubscriptionChanged(null, created));
        return created;
    }

    /**
     * Inserts a subscription, first ending the subscriber's incomplete one (a new attempt replaces it;
     * a Stripe one was canceled at Stripe before this transaction). Another live one is 409.
     */
    Subscription insertReplacingIncomplete(New s) {
        lockLive(s.subscriberType(), s.subscriberId()).ifPresent(live -> {
            if (!Subscription.INCOMPLETE.equals(live.status())) {
                throw ApiException.conflict("ALREADY_SUBSCRIBED", "The subscriber already has subscription " + live.id());
            }
            update(live, "status = 'canceled', canceled_at = ?, cancel_reason = 'superseded'", ts(s.periodStart()));
        });
        return insert(s);
    }

    Optional<Subscription> find(String id) {
        if (!Ids.looksLike("sub", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM subscriptions WHERE id = ?").param(id).query(this::map).optional();
    }

    Subscription get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("subscription", id));
    }

    /** The row, locked for this transaction: every state change reads and writes under this lock. */
    Subscription lock(String id) {
        if (!Ids.looksLike("sub", id)) throw ApiException.notFound("subscription", id);
        return jdbc.sql("SELECT * FROM subscriptions WHERE id = ? FOR UPDATE").param(id).query(this::map).optional()
                .orElseThrow(() -> ApiException.notFound("subscription", id));
    }

    /** The subscriber's incomplete, active or past_due subscription (at most one), locked. */
    Optional<Subscription> lockLive(String subscriberType, String subscriberId) {
        return jdbc.sql("SELECT * FROM subscriptions WHERE subscriber_type = ? AND subscriber_id = ? AND status IN ('incomplete', 'active', 'past_due') FOR UPDATE")
                .params(subscriberType, subscriberId).query(this::map).optional();
    }

    Optional<Subscription> live(String subscriberType, String subscriberId) {
        return jdbc.sql("SELECT * FROM subscriptions WHERE subscriber_type = ? AND subscriber_id = ? AND status IN ('active', 'past_due')")
                .params(subscriberType, subscriberId).query(this::map).optional();
    }

    Optional<Subscription> incomplete(String subscriberType, String subscriberId) {
        return jdbc.sql("SELECT * FROM subscriptions WHERE subscriber_type = ? AND subscriber_id = ? AND status = 'incomplete'")
                .params(subscriberType, subscriberId).query(this::map).optional();
    }

    Optional<Subscription> lockByStripeId(String stripeSubscriptionId) {
        return jdbc.sql("SELECT * FROM subscriptions WHERE stripe_subscription_id = ? FOR UPDATE").param(stripeSubscriptionId)
                .query(this::map).optional();
    }

    /** The subscriber's Stripe customer from an earlier subscription, so one person is one customer at Stripe. */
    Optional<String> stripeCustomerOf(String subscriberType, String subscriberId) {
        return jdbc.sql("""
                SELECT stripe_customer_id FROM subscriptions WHERE subscriber_type = ? AND subscriber_id = ? AND stripe_customer_id IS NOT NULL
                ORDER BY created_at DESC LIMIT 1""").params(subscriberType, subscriberId).query(String.class).optional();
    }

    String stripeItemOf(String id) {
        return jdbc.sql("SELECT stripe_item_id FROM subscriptions WHERE id = ?").param(id).query(String.class).optional().orElse(null);
    }

    /** When the newest Stripe event applied was created, and the end of the last period Stripe says is paid. */
    record StripeSync(Instant syncedAt, Instant paidThrough) {}

    StripeSync stripeSync(String id) {
        return jdbc.sql("SELECT stripe_synced_at, stripe_paid_through FROM subscriptions WHERE id = ?").param(id)
                .query((rs, i) -> new StripeSync(instant(rs, "stripe_synced_at"), instant(rs, "stripe_paid_through"))).single();
    }

    boolean hasPendingCharge(String subscriptionId, String kind) {
        return jdbc.sql("SELECT exists(SELECT 1 FROM subscription_charges WHERE subscription_id = ? AND kind = ? AND status = 'pending')")
                .params(subscriptionId, kind).query(Boolean.class).single();
    }

    record Renewal(String phoneNumber, String sandboxOutcome) {}

    Renewal renewalOptions(String id) {
        return jdbc.sql("SELECT phone_number, sandbox_renewal_outcome FROM subscriptions WHERE id = ?").param(id)
                .query((rs, i) -> new Renewal(rs.getString(1), rs.getString(2))).single();
    }

    /** One statement per change of state; each also tells every node's plan cache. */
    Subscription update(Subscription s, String assignments, Object... params) {
        Object[] all = java.util.Arrays.copyOf(params, params.length + 1);
        all[params.length] = s.id();
        jdbc.sql("UPDATE subscriptions SET " + assignments + ", updated_at = now() WHERE id = ?").params(all).update();
        Subscription after = get(s.id());
        changed(after);
        events.publishEvent(new SubscriptionChanged(s, after));
        return after;
    }

    void changed(Subscription s) {
        changed(s.subscriberType(), s.subscriberId());
    }

    void changed(String subscriberType, String subscriberId) {
        invalidation.publish(CACHE_TOPIC, subscriberType + ":" + subscriberId);
    }

    List<Subscription> page(String where, List<Object> params, int limit, int offset) {
        List<Object> all = new java.util.ArrayList<>(params);
        all.add(limit);
        all.add(offset);
        return jdbc.sql("SELECT * FROM subscriptions WHERE " + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?").params(all)
                .query(this::map).list();
    }

    long count(String where, List<Object> params) {
        return jdbc.sql("SELECT count(*) FROM subscriptions WHERE " + where).params(params).query(Long.class).single();
    }

    // --- charges

    SubscriptionCharge insertCharge(SubscriptionCharge c) {
        String id = c.id() != null ? c.id() : Ids.next("sch");
        jdbc.sql("""
                INSERT INTO subscription_charges (id, subscription_id, kind, status, payment_id, amount_minor, currency, period_start, period_end,
                  credit_applied_minor, from_plan_id, to_plan_id, proration_credit_minor, proration_charge_minor, remaining_seconds, period_seconds,
                  failure_code, settled_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, c.subscriptionId(), c.kind(), c.status(), c.paymentId(), c.amountMinor(), c.currency(), ts(c.periodStart()),
                        ts(c.periodEnd()), c.creditAppliedMinor(), c.fromPlanId(), c.toPlanId(), c.prorationCreditMinor(),
                        c.prorationChargeMinor(), c.remainingSeconds(), c.periodSeconds(), c.failureCode(), ts(c.settledAt()))
                .update();
        return charge(id).orElseThrow();
    }

    Optional<SubscriptionCharge> charge(String id) {
        return jdbc.sql("SELECT * FROM subscription_charges WHERE id = ?").param(id).query(this::mapCharge).optional();
    }

    Optional<SubscriptionCharge> lockChargeByPayment(String paymentId) {
        return jdbc.sql("SELECT * FROM subscription_charges WHERE payment_id = ? FOR UPDATE").param(paymentId).query(this::mapCharge).optional();
    }

    /** A pending charge settles; a failed one may still turn paid (its payment succeeded after all). */
    void settleCharge(String chargeId, String status, String failureCode, Instant at) {
        jdbc.sql("""
                UPDATE subscription_charges SET status = ?, failure_code = ?, settled_at = ?
                WHERE id = ? AND (status = 'pending' OR (status = 'failed' AND ? = 'paid'))""")
                .params(status, failureCode, ts(at), chargeId, status).update();
    }

    List<SubscriptionCharge> charges(String subscriptionId, int limit) {
        return jdbc.sql("SELECT * FROM subscription_charges WHERE subscription_id = ? ORDER BY created_at DESC, id DESC LIMIT ?")
                .params(subscriptionId, limit).query(this::mapCharge).list();
    }

    static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private Subscription map(ResultSet rs, int row) throws SQLException {
        return new Subscription(rs.getString("id"), rs.getString("subscriber_type"), rs.getString("subscriber_id"), rs.getString("app_id"),
                rs.getString("organization_id"), rs.getString("plan_id"), rs.getString("status"), instant(rs, "current_period_start"),
                instant(rs, "current_period_end"), rs.getBoolean("auto_renew"), rs.getBoolean("cancel_at_period_end"), instant(rs, "canceled_at"),
                rs.getString("cancel_reason"), rs.getString("payment_method"), rs.getLong("price_minor"), rs.getString("currency"),
                rs.getLong("credit_balance_minor"), instant(rs, "billing_anchor"), instant(rs, "past_due_since"),
                rs.getString("stripe_subscription_id"), rs.getString("stripe_customer_id"), json.readMap(rs.getString("metadata")),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private SubscriptionCharge mapCharge(ResultSet rs, int row) throws SQLException {
        return new SubscriptionCharge(rs.getString("id"), rs.getString("subscription_id"), rs.getString("kind"), rs.getString("status"),
                rs.getString("payment_id"), rs.getLong("amount_minor"), rs.getString("currency"), instant(rs, "period_start"),
                instant(rs, "period_end"), rs.getLong("credit_applied_minor"), rs.getString("from_plan_id"), rs.getString("to_plan_id"),
                nullableLong(rs, "proration_credit_minor"), nullableLong(rs, "proration_charge_minor"), nullableLong(rs, "remaining_seconds"),
                nullableLong(rs, "period_seconds"), rs.getString("failure_code"), instant(rs, "created_at"), instant(rs, "settled_at"));
    }
}
