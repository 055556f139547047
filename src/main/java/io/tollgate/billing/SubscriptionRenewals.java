package io.tollgate.billing;

import static io.tollgate.billing.Subscription.ACTIVE;
import static io.tollgate.billing.Subscription.PAST_DUE;
import static io.tollgate.billing.SubscriptionStore.ts;

import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.platform.ApiException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Renews subscriptions that are not Stripe's (Stripe renews its own), in bounded batches, safely on
 * several nodes (each subscription is re-read under its row lock). At a period's end:
 * cancel_at_period_end or auto_renew off → canceled; otherwise the next period starts at the old end
 * (a fresh plan allowance) as past_due, with a renewal payment of the plan's price less any credit
 * balance; its success makes it active. past_due longer than the grace period → unpaid.
 */
@Component
class SubscriptionRenewals {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionRenewals.class);
    private final JdbcClient jdbc;
    private final SubscriptionStore store;
    private final Plans plans;
    private final Payments payments;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration grace;
    private final int batch;

    SubscriptionRenewals(JdbcClient jdbc, SubscriptionStore store, Plans plans, Payments payments, TransactionTemplate transactions,
                         Clock clock, @Value("${tollgate.billing.grace-days}") int graceDays, @Value("${tollgate.billing.renew-batch}") int batch) {
        if (graceDays < 0 || graceDays > 27) throw new IllegalArgumentException("TOLLGATE_BILLING_GRACE_DAYS must be 0 to 27 (shorter than a month)");
        if (batch < 1 || batch > 10_000) throw new IllegalArgumentException("TOLLGATE_BILLING_RENEW_BATCH must be 1 to 10000");
        this.jdbc = jdbc;
        this.store = store;
        this.plans = plans;
        this.payments = payments;
        this.transactions = transactions;
        this.clock = clock;
        this.grace = Duration.ofDays(graceDays);
        this.batch = batch;
    }

    @Scheduled(fixedDelayString = "${tollgate.billing.renew-every-millis}", initialDelayString = "${tollgate.billing.renew-every-millis}")
    void tick() {
        runOnce();
    }

    /** One pass: renewals and cancellations due, then grace periods run out. Returns how many subscriptions moved. */
    int runOnce() {
        Instant now = clock.instant();
        int moved = 0;
        for (String id : due("status = 'active' AND current_period_end <= ?", "current_period_end", now)) {
            try {
                if (renew(id, now)) moved++;
            } catch (RuntimeException e) {
                log.warn("Could not renew subscription {}: {}", id, e.getMessage());
            }
        }
        for (String id : due("status = 'past_due' AND past_due_since <= ?", "past_due_since", now.minus(grace))) {
            Boolean done = transactions.execute(tx -> {
                Subscription s = store.lock(id);
                if (!PAST_DUE.equals(s.status()) || s.stripe() || s.pastDueSince().isAfter(now.minus(grace))) return false;
                store.update(s, "status = 'unpaid'");
                return true;
            });
            if (Boolean.TRUE.equals(done)) moved++;
        }
        return moved;
    }

    private List<String> due(String condition, String order, Instant at) {
        return jdbc.sql("SELECT id FROM subscriptions WHERE " + condition + " AND payment_method <> 'stripe' ORDER BY " + order + " LIMIT ?")
                .params(Timestamp.from(at), batch).query(String.class).list();
    }

    /** What a renewal needs: a payment of amountMinor (creditMinor of the credit balance used), or nothing (done is true). */
    private record Due(boolean done, Subscription subscription, Plan plan, Instant start, Instant end, long amountMinor, long creditMinor) {
        static final Due DONE = new Due(true, null, null, null, null, 0, 0);
    }

    /** True when the subscription moved (canceled, renewed, or its renewal payment started). */
    private boolean renew(String id, Instant now) {
        Due due = transactions.execute(tx -> {
            Subscription s = store.lock(id);
            if (!isDue(s, now)) return null;
            if (s.cancelAtPeriodEnd() || !s.autoRenew()) {
                store.update(s, "status = 'canceled', canceled_at = ?, cancel_reason = ?", ts(s.currentPeriodEnd()),
                        s.cancelAtPeriodEnd() ? "canceled_at_period_end" : "not_renewed");
                return Due.DONE;
            }
            Plan plan = plans.get(s.planId());
            Instant start = s.currentPeriodEnd();
            Instant end = Periods.nextEnd(s.billingAnchor(), plan.billingCycle(), start);
            long credit = Math.min(s.creditBalanceMinor(), plan.priceMinor());
            long amount = plan.priceMinor() - credit;
            if (amount == 0 || "none".equals(s.paymentMethod())) {
                // Nothing to pay (free, covered by credit, or an operator's): the next period starts active.
                store.update(s, "current_period_start = ?, current_period_end = ?, price_minor = ?, currency = ?,"
                        + " credit_balance_minor = credit_balance_minor - ?", ts(start), ts(end), plan.priceMinor(), plan.currency(), credit);
                store.insertCharge(new SubscriptionCharge(null, s.id(), SubscriptionCharge.RENEWAL, "applied", null, 0, plan.currency(), start,
                        end, credit, null, plan.id(), null, null, null, null, null, null, now));
                return Due.DONE;
            }
            return new Due(false, s, plan, start, end, amount, credit);
        });
        if (due == null) return false;
        if (due.done()) return true;
        Subscription s = due.subscription();
        SubscriptionStore.Renewal options = store.renewalOptions(s.id());
        try {
            payments.start(new Payments.Request(s.subscriberType(), s.subscriberId(), s.appId(), s.organizationId(), null,
                    PaymentPurpose.SUBSCRIPTION, s.id(), ProviderName.valueOf(s.paymentMethod().toUpperCase()), due.amountMinor(),
                    due.plan().currency(), 0, new PaymentProvider.StartOptions(options.phoneNumber(), null, options.sandboxOutcome(),
                    "Renewal of the " + due.plan().name() + " plan")),
                    paymentId -> startPeriod(due, paymentId, null, now));
        } catch (AlreadyRenewed e) {
            return false;
        } catch (ApiException e) {
            // The provider is not configured any more: the period starts unpaid, and the grace period runs.
            transactions.executeWithoutResult(tx -> startPeriod(due, null, e.code(), now));
        }
        return true;
    }

    /** The next period starts past_due, with the charge that will pay it (or a failed one when no payment could start). */
    private void startPeriod(Due due, String paymentId, String failureCode, Instant now) {
        Subscription s = store.lock(due.subscription().id());
        if (!isDue(s, now) || !s.currentPeriodEnd().equals(due.start())) throw new AlreadyRenewed();
        store.update(s, "status = 'past_due', past_due_since = ?, current_period_start = ?, current_period_end = ?, price_minor = ?, currency = ?",
                ts(now), ts(due.start()), ts(due.end()), due.plan().priceMinor(), due.plan().currency());
        store.insertCharge(new SubscriptionCharge(null, s.id(), SubscriptionCharge.RENEWAL, failureCode == null ? "pending" : "failed", paymentId,
                due.amountMinor(), due.plan().currency(), due.start(), due.end(), due.creditMinor(), null, due.plan().id(), null, null, null, null,
                failureCode, null, failureCode == null ? null : now));
    }

    private static boolean isDue(Subscription s, Instant now) {
        return ACTIVE.equals(s.status()) && !s.stripe() && !s.currentPeriodEnd().isAfter(now);
    }

    private static final class AlreadyRenewed extends RuntimeException {
        AlreadyRenewed() {
            super("renewed meanwhile", null, false, false);
        }
    }
}
