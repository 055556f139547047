package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cascade free allowance → daily cap → plan allowance → credits → per-request → refusal, without a database. */
class PriceEvaluatorTest {
    private static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");

    /** In-memory counters and one wallet. */
    private static final class Memory implements PriceEvaluator.State {
        final Map<String, Long> counters = new HashMap<>();
        long wallet;

        Memory(long wallet) { this.wallet = wallet; }

        @Override public long counter(Buckets.Bucket b) { return counters.getOrDefault(b.name(), 0L); }
        @Override public void addCounter(Buckets.Bucket b, long amount) { counters.merge(b.name(), amount, Long::sum); }
        @Override public long spendable(String walletId) { return wallet; }

        /** Decides and, like the transaction, takes the credits at once. */
        PriceEvaluator.Decision call(MeterRequest r) {
            PriceEvaluator.Decision d = PriceEvaluator.decide(r, NOON, this);
            wallet -= d.credits();
            return d;
        }
    }

    /** A plan whose daily limit counts the features its allowance covers. */
    private static Plan plan(String id, long tokensPerMonth, Integer daily, List<String> included) {
        return plan(id, tokensPerMonth, daily, included, included);
    }

    private static Plan plan(String id, long tokensPerMonth, Integer daily, List<String> included, List<String> capped) {
        return new Plan(id, id, null, Plan.PlanAudience.END_USER, 0, "USD", Plan.BillingCycle.MONTHLY, tokensPerMonth, daily, 0,
                List.of(), included, capped, null, false, true, NOON, NOON);
    }

    private static ActivePlan subscribed(Plan plan) {
        return new ActivePlan(plan, "sub_x", "active", NOON.minus(Duration.ofDays(3)), NOON.plus(Duration.ofDays(27)));
    }

    private static FeatureRule rule(PricingType type, long credits, long priceMinor, Integer freeLimit) {
        return new FeatureRule("fea_x", "app_x", "image_generation", type, credits, priceMinor, 3, priceMinor > 0 ? "USD" : null,
                freeLimit, FreeTierPeriod.DAY, FeatureBackend.BUILTIN, null, 60, true);
    }

    private static MeterRequest request(FeatureRule rule, ActivePlan plan, long units) {
        return new MeterRequest(new Payer(Payer.Type.END_USER, "usr_1", "wal_1", "app_x"), plan, "app_x", "org_x", "key_x", "usr_1",
                rule, units, MeterRequest.Mode.DEBIT, null, 200, "/x", "POST", null, "req", 0, null, null, null, null);
    }

    @Test
    void freeAllowanceComesFirstThenCredits() {
        Memory state = new Memory(25);
        MeterRequest r = request(rule(PricingType.CREDIT, 10, 0, 2), null, 10);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.FREE_TIER);
        PriceEvaluator.Decision second = state.call(r);
        assertThat(second.source()).isEqualTo(PricingSource.FREE_TIER);
        assertThat(second.freeTier().used()).isEqualTo(2);
        assertThat(second.freeTier().remaining()).isZero();
        assertThat(state.call(r).source()).isEqualTo(PricingSource.CREDITS);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.CREDITS);
        PriceEvaluator.Decision broke = state.call(r);
        assertThat(broke.accepted()).isFalse();
        assertThat(broke.refusal().code()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(broke.refusal().status()).isEqualTo(402);
        assertThat(broke.refusal().extra()).containsEntry("required", 10L).containsEntry("available", 5L);
        assertThat(broke.refusal().details()).containsKey("hint");
    }

    @Test
    void freeFeatureWithALimitIsRefusedWithQuotaExceededUntilThePeriodEnds() {
        Memory state = new Memory(0);
        MeterRequest r = request(rule(PricingType.FREE, 0, 0, 1), null, 0);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.FREE_TIER);
        PriceEvaluator.Decision refused = state.call(r);
        assertThat(refused.refusal().code()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(refused.refusal().status()).isEqualTo(429);
        assertThat(refused.refusal().retryAfterSeconds()).isEqualTo(12 * 3600);
        assertThat(state.call(request(rule(PricingType.FREE, 0, 0, null), null, 0)).source()).isEqualTo(PricingSource.FREE);
    }

    @Test
    void dailyCapCountsOnlyCallsBeyondTheFreeAllowance() {
        Memory state = new Memory(1000);
        ActivePlan free = new ActivePlan(plan("free", 0, 2, List.of("*")), null, "active", null, null);
        MeterRequest r = request(rule(PricingType.CREDIT, 1, 0, 1), free, 1);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.FREE_TIER);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.CREDITS);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.CREDITS);
        PriceEvaluator.Decision capped = state.call(r);
        assertThat(capped.refusal().code()).isEqualTo("DAILY_LIMIT_REACHED");
        assertThat(capped.refusal().status()).isEqualTo(429);
        assertThat(state.wallet).isEqualTo(998);
    }

    @Test
    void theDailyLimitCountsOnlyTheFeaturesThePlanCaps() {
        Memory state = new Memory(1000);
        ActivePlan free = new ActivePlan(plan("free", 0, 3, List.of("*"), Plan.GENERATION_FEATURES), null, "active", null, null);
        FeatureRule view = new FeatureRule("fea_v", "app_x", "content_view", PricingType.CREDIT, 1, 0, 0, null, null, FreeTierPeriod.DAY,
                FeatureBackend.BUILTIN, null, 60, true);
        for (int i = 0; i < 10; i++) assertThat(state.call(request(view, free, 1)).source()).isEqualTo(PricingSource.CREDITS);
        assertThat(PriceEvaluator.buckets(request(view, free, 1), NOON)).isEmpty();
        MeterRequest video = request(new FeatureRule("fea_g", "app_x", "video_generation", PricingType.CREDIT, 1, 0, 0, null, null,
                FreeTierPeriod.DAY, FeatureBackend.BUILTIN, null, 60, true), free, 1);
        for (int i = 0; i < 3; i++) assertThat(state.call(video).source()).isEqualTo(PricingSource.CREDITS);
        assertThat(state.call(video).refusal().code()).isEqualTo("DAILY_LIMIT_REACHED");
        assertThat(state.wallet).isEqualTo(987);
    }

    @Test
    void aPlanWithoutAnAllowanceDoesNotIncludeASubscriptionFeature() {
        Memory state = new Memory(1_000);
        ActivePlan pro = subscribed(plan("pro", 0, 20, List.of("*"), Plan.GENERATION_FEATURES));
        PriceEvaluator.Decision refused = state.call(request(rule(PricingType.SUBSCRIPTION, 0, 0, null), pro, 0));
        assertThat(refused.refusal().code()).isEqualTo("SUBSCRIPTION_REQUIRED");
        assertThat(refused.refusal().status()).isEqualTo(402);
        assertThat(refused.refusal().message()).contains("pro plan does not include image_generation");
        assertThat(refused.refusal().details()).containsEntry("plan", "pro").containsEntry("feature", "image_generation");
        MeterOutcome.Refusal named = refused.refusal().offering(List.of("premium"));
        assertThat(named.details()).containsEntry("plans", List.of("premium"))
                .containsEntry("hint", "Subscribe to premium with POST /api/v1/subscriptions");
    }

    @Test
    void planAllowanceThenCreditsForTheRestOfACall() {
        Memory state = new Memory(100);
        ActivePlan pro = subscribed(plan("team", 12, null, List.of("*")));
        MeterRequest r = request(rule(PricingType.CREDIT, 5, 0, null), pro, 5);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.PLAN);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.PLAN);
        PriceEvaluator.Decision split = state.call(r);
        assertThat(split.source()).isEqualTo(PricingSource.PLAN_AND_CREDITS);
        assertThat(split.planUnits()).isEqualTo(2);
        assertThat(split.credits()).isEqualTo(3);
        assertThat(state.call(r).source()).isEqualTo(PricingSource.CREDITS);
        assertThat(state.wallet).isEqualTo(92);
    }

    @Test
    void unlimitedPlansNeverTouchCreditsAndFeaturesOutsideThePlanAreNotCovered() {
        Memory state = new Memory(0);
        ActivePlan premium = subscribed(plan("premium", -1, 50, List.of("image_generation")));
        for (int i = 0; i < 50; i++) assertThat(state.call(request(rule(PricingType.CREDIT, 10, 0, null), premium, 10)).source()).isEqualTo(PricingSource.PLAN);
        assertThat(state.call(request(rule(PricingType.CREDIT, 10, 0, null), premium, 10)).refusal().code()).isEqualTo("DAILY_LIMIT_REACHED");
        ActivePlan other = subscribed(plan("audio-only", -1, null, List.of("audio_generation")));
        assertThat(state.call(request(rule(PricingType.CREDIT, 10, 0, null), other, 10)).refusal().code()).isEqualTo("INSUFFICIENT_CREDITS");
    }

    @Test
    void subscriptionFeatures() {
        Memory state = new Memory(1_000);
        MeterRequest none = request(rule(PricingType.SUBSCRIPTION, 0, 0, null), null, 0);
        PriceEvaluator.Decision required = state.call(none);
        assertThat(required.refusal().code()).isEqualTo("SUBSCRIPTION_REQUIRED");
        assertThat(required.refusal().status()).isEqualTo(402);
        ActivePlan small = subscribed(plan("small", 1, null, List.of("*")));
        assertThat(state.call(request(rule(PricingType.SUBSCRIPTION, 0, 0, null), small, 0)).source()).isEqualTo(PricingSource.PLAN);
        PriceEvaluator.Decision exhausted = state.call(request(rule(PricingType.SUBSCRIPTION, 0, 0, null), small, 0));
        assertThat(exhausted.refusal().code()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(exhausted.refusal().retryAfterSeconds()).isEqualTo(Duration.ofDays(27).toSeconds());
        assertThat(state.wallet).isEqualTo(1_000);
    }

    @Test
    void perRequestFeaturesPreferCreditsWhenPricedInBothAndChargeMoneyOtherwise() {
        Memory state = new Memory(4);
        MeterRequest both = request(rule(PricingType.PER_REQUEST, 2, 150, null), null, 2);
        assertThat(state.call(both).source()).isEqualTo(PricingSource.CREDITS);
        assertThat(state.call(both).source()).isEqualTo(PricingSource.CREDITS);
        PriceEvaluator.Decision money = state.call(both);
        assertThat(money.source()).isEqualTo(PricingSource.PER_REQUEST);
        assertThat(money.chargeMinor()).isEqualTo(150);
        assertThat(state.call(request(rule(PricingType.PER_REQUEST, 0, 99, null), null, 0)).chargeMinor()).isEqualTo(99);
    }

    @Test
    void bucketsNamePeriodsInUtc() {
        FeatureRule monthly = new FeatureRule("f", "a", "content_view", PricingType.FREE, 0, 0, 0, null, 10, FreeTierPeriod.MONTH,
                FeatureBackend.BUILTIN, null, 60, true);
        Buckets.Bucket bucket = Buckets.free("usr_1", monthly, Instant.parse("2026-12-31T23:59:59Z"));
        assertThat(bucket.name()).isEqualTo("free:content_view:2026-12");
        assertThat(bucket.resetsAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(Buckets.daily("usr_1", monthly, Instant.parse("2026-11-23T00:00:00Z")).name()).isEqualTo("day:content_view:2026-11-23");
    }
}
