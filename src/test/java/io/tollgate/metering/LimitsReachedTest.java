package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which limits a decision reached (what usage webhooks report): the call that fills a counter to its limit,
 * and calls the limit refuses — never the calls before, never calls that touch no counter. Pure.
 */
class LimitsReachedTest {
    private static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");

    private static final class Memory implements PriceEvaluator.State {
        final Map<String, Long> counters = new HashMap<>();
        long wallet;

        Memory(long wallet) { this.wallet = wallet; }

        @Override public long counter(Buckets.Bucket b) { return counters.getOrDefault(b.name(), 0L); }
        @Override public void addCounter(Buckets.Bucket b, long amount) { counters.merge(b.name(), amount, Long::sum); }
        @Override public long spendable(String walletId) { return wallet; }

        List<PriceEvaluator.Reached> call(MeterRequest r) {
            PriceEvaluator.Decision d = PriceEvaluator.decide(r, NOON, this);
            wallet -= d.credits();
            return PriceEvaluator.reached(r, NOON, d, this);
        }
    }

    private static Plan plan(long tokensPerMonth, Integer daily) {
        return new Plan("pro", "Pro", null, Plan.PlanAudience.END_USER, 0, "USD", Plan.BillingCycle.MONTHLY, tokensPerMonth, daily, 0,
                List.of(), List.of("image_generation"), List.of("image_generation"), null, false, true, NOON, NOON);
    }

    private static MeterRequest request(PricingType type, Integer freeLimit, Plan plan) {
        FeatureRule rule = new FeatureRule("fea_x", "app_x", "image_generation", type, 1, 0, 3, null, freeLimit, FreeTierPeriod.DAY,
                FeatureBackend.BUILTIN, null, 60, true);
        ActivePlan active = plan == null ? null
                : new ActivePlan(plan, "sub_x", "active", NOON.minus(Duration.ofDays(3)), NOON.plus(Duration.ofDays(27)));
        return new MeterRequest(new Payer(Payer.Type.END_USER, "usr_1", "wal_1", "app_x"), active, "app_x", "org_x", "key_x", "usr_1",
                rule, 1, MeterRequest.Mode.DEBIT, null, 200, "/x", "POST", null, "req", 0, null, null, null, null);
    }

    @Test
    void aPlansAllowanceIsReachedByTheCallThatUsesItUpAndThenByItsRefusals() {
        Memory state = new Memory(0);
        MeterRequest r = request(PricingType.SUBSCRIPTION, null, plan(2, null));
        assertThat(state.call(r)).isEmpty();
        List<PriceEvaluator.Reached> filled = state.call(r);
        assertThat(filled).hasSize(1);
        assertThat(filled.get(0).limit()).isEqualTo(UsageLimitReached.Limit.PLAN);
        assertThat(filled.get(0).limitValue()).isEqualTo(2);
        assertThat(filled.get(0).bucket().name()).startsWith("plan:sub_x:");
        List<PriceEvaluator.Reached> refused = state.call(r);
        assertThat(refused).extracting(PriceEvaluator.Reached::limit).containsExactly(UsageLimitReached.Limit.PLAN);
        assertThat(refused.get(0).bucket().name()).isEqualTo(filled.get(0).bucket().name());
    }

    @Test
    void aDailyCapAndAFreeAllowanceAreReachedOnTheirLastCall() {
        Memory capped = new Memory(100);
        MeterRequest daily = request(PricingType.CREDIT, null, plan(0, 2));
        assertThat(capped.call(daily)).isEmpty();
        assertThat(capped.call(daily)).extracting(PriceEvaluator.Reached::limit).containsExactly(UsageLimitReached.Limit.DAILY);
        assertThat(capped.call(daily)).extracting(PriceEvaluator.Reached::limit).containsExactly(UsageLimitReached.Limit.DAILY);

        Memory free = new Memory(0);
        MeterRequest onlyFree = request(PricingType.FREE, 1, null);
        assertThat(free.call(onlyFree)).extracting(PriceEvaluator.Reached::limit).containsExactly(UsageLimitReached.Limit.FREE_TIER);
        assertThat(free.call(onlyFree)).extracting(PriceEvaluator.Reached::limit).containsExactly(UsageLimitReached.Limit.FREE_TIER);
    }

    @Test
    void callsPaidByCreditsOrRefusedForCreditsReachNothing() {
        Memory state = new Memory(1);
        MeterRequest r = request(PricingType.CREDIT, null, null);
        assertThat(state.call(r)).isEmpty();
        assertThat(state.call(r)).isEmpty(); // INSUFFICIENT_CREDITS is not a usage limit
    }
}
