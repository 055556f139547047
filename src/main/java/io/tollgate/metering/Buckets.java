package io.tollgate.metering;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * Names of allowance counters and when they reset. Periods are UTC: a free tier "per day" resets at
 * UTC midnight, "per month" on the 1st; a plan allowance follows the subscription's period (a
 * calendar month for payers on the default plan or a yearly plan).
 */
final class Buckets {
    record Bucket(String payerId, String name, LocalDate expiresOn, Instant resetsAt) {}

    private Buckets() {}

    static Bucket free(String payerId, FeatureRule rule, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (rule.freeTierPeriod() == FreeTierPeriod.MONTH) {
            YearMonth month = YearMonth.from(today);
            LocalDate next = month.plusMonths(1).atDay(1);
            return new Bucket(payerId, "free:" + rule.name() + ":" + month, next.plusDays(1), next.atStartOfDay().toInstant(ZoneOffset.UTC));
        }
        return day(payerId, "free:" + rule.name(), today);
    }

    static Bucket daily(String payerId, FeatureRule rule, Instant now) {
        return day(payerId, "day:" + rule.name(), LocalDate.ofInstant(now, ZoneOffset.UTC));
    }

    static Bucket plan(String payerId, ActivePlan plan, Instant now) {
        if (plan.subscribed() && plan.plan().billingCycle() == Plan.BillingCycle.MONTHLY && plan.periodEnd() != null) {
            LocalDate end = LocalDate.ofInstant(plan.periodEnd(), ZoneOffset.UTC);
            return new Bucket(payerId, "plan:" + plan.subscriptionId() + ":" + plan.periodStart().getEpochSecond(), end.plusDays(1),
                    plan.periodEnd());
        }
        YearMonth month = YearMonth.from(LocalDate.ofInstant(now, ZoneOffset.UTC));
        LocalDate next = month.plusMonths(1).atDay(1);
        String owner = plan.subscribed() ? plan.subscriptionId() : plan.plan().id();
        return new Bucket(payerId, "plan:" + owner + ":" + month, next.plusDays(1), next.atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    private static Bucket day(String payerId, String prefix, LocalDate today) {
        LocalDate tomorrow = today.plusDays(1);
        return new Bucket(payerId, prefix + ":" + today, tomorrow.plusDays(1), tomorrow.atStartOfDay().toInstant(ZoneOffset.UTC));
    }
}
