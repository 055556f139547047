package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Long calls hold credits at start; success captures them, failure charges nothing and gives allowances back. */
class HeldCallsTest extends ApiTest {
    @Autowired
    Meter meter;
    @Autowired
    Features features;

    private MeterOutcome start(String appId, String orgId, FeatureRule rule) {
        Payer payer = meter.organization(orgId);
        return meter.submit(new MeterRequest(payer, meter.planOf(payer), appId, orgId, null, null, rule, rule.creditCost(),
                MeterRequest.Mode.HOLD, Duration.ofMinutes(5), 200, "/api/v1/media/generate/image", "POST", null, "req-hold",
                System.nanoTime(), null, null, null, null));
    }

    @Test
    void successCapturesFailureReleasesAndGivesTheFreeCallBack() {
        String appId = createApp();
        String org = organizationOf(appId);
        String wallet = fundOrganization(org, 25);
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "image_generation", "pricing_type", "credit",
                "credit_cost", 10, "free_tier_limit", 1, "free_tier_period", "day"));
        FeatureRule rule = features.rule(appId, "image_generation").orElseThrow();

        MeterOutcome free = start(appId, org, rule);
        assertThat(free.source()).isEqualTo(PricingSource.FREE_TIER);
        meter.settle(free.ticket(), false, 500, 40);
        // The failed free call is given back: the next one is free again.
        MeterOutcome freeAgain = start(appId, org, rule);
        assertThat(freeAgain.source()).isEqualTo(PricingSource.FREE_TIER);
        meter.settle(freeAgain.ticket(), true, 200, 40);

        MeterOutcome held = start(appId, org, rule);
        assertThat(held.source()).isEqualTo(PricingSource.CREDITS);
        assertThat(balance(wallet)).isEqualTo(15);
        assertThat(admin.get("/api/admin/wallets/" + wallet).data().get("held").asLong()).isEqualTo(10);
        meter.settle(held.ticket(), false, 504, 60_000);
        assertThat(balance(wallet)).isEqualTo(25);

        MeterOutcome paid = start(appId, org, rule);
        meter.settle(paid.ticket(), true, 200, 1_200);
        assertThat(balance(wallet)).isEqualTo(15);
        assertThat(jdbc.sql("SELECT coalesce(sum(credits_used), 0) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single())
                .isEqualTo(10);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ? AND pricing = 'released'").param(appId).query(Long.class).single())
                .isEqualTo(2);
        assertLedgerConsistent();
    }
}
