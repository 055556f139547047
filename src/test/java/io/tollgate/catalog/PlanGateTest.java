package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.metering.Plan;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pricing_tier: the lowest plan that may activate an app; plans rank by allowance, then monthly price. */
class PlanGateTest {
    private static Plan plan(String id, long priceMinor, Plan.BillingCycle cycle, long tokensPerMonth) {
        return new Plan(id, id, null, Plan.PlanAudience.ORGANIZATION, priceMinor, "USD", cycle, tokensPerMonth, null, 0, List.of(), List.of("*"),
                List.of(), null, false, true, Instant.EPOCH, Instant.EPOCH);
    }

    private static final Plan STARTER = plan("starter", 2900, Plan.BillingCycle.MONTHLY, 1000);
    private static final Plan PRO = plan("professional", 19900, Plan.BillingCycle.MONTHLY, 10_000);
    private static final Plan PRO_YEARLY = plan("professional-yearly", 199_000, Plan.BillingCycle.YEARLY, 10_000);
    private static final Plan ENTERPRISE = plan("enterprise", 99_900, Plan.BillingCycle.MONTHLY, -1);
    private static final Plan CHEAP_PRO = plan("pro-lite", 9900, Plan.BillingCycle.MONTHLY, 10_000);

    @Test
    void aPlanAtOrAboveTheTierMayActivate() {
        assertThat(PlanGate.allows(null, null)).as("no tier: any customer, even without a plan").isTrue();
        assertThat(PlanGate.allows(STARTER, null)).as("a tier and no plan").isFalse();
        assertThat(PlanGate.allows(STARTER, STARTER)).isTrue();
        assertThat(PlanGate.allows(PRO, STARTER)).isFalse();
        assertThat(PlanGate.allows(STARTER, PRO)).isTrue();
        assertThat(PlanGate.allows(PRO, ENTERPRISE)).as("unlimited ranks above every allowance").isTrue();
        assertThat(PlanGate.allows(ENTERPRISE, PRO)).isFalse();
        // A yearly plan's monthly equivalent (199000 / 12 = 16583) with the same allowance ranks just below the monthly one.
        assertThat(PlanGate.allows(PRO, PRO_YEARLY)).isFalse();
        assertThat(PlanGate.allows(PRO_YEARLY, PRO)).isTrue();
        assertThat(PlanGate.allows(CHEAP_PRO, PRO_YEARLY)).isTrue();
    }

    @Test
    void theRefusalNamesThePlansThatMayLowestFirst() {
        List<Plan> offered = List.of(ENTERPRISE, STARTER, PRO, CHEAP_PRO, PRO_YEARLY);
        assertThat(PlanGate.plansFor(CHEAP_PRO, offered)).containsExactly("pro-lite", "professional-yearly", "professional", "enterprise");
        assertThat(PlanGate.plansFor(STARTER, offered)).containsExactly("starter", "pro-lite", "professional-yearly", "professional", "enterprise");
        assertThat(PlanGate.plansFor(ENTERPRISE, offered)).containsExactly("enterprise");
    }

    /** The ranking is a total order consistent with allows: for every pair, exactly one way round or both when equal. */
    @Test
    void theRankingIsConsistent() {
        List<Plan> all = List.of(STARTER, PRO, PRO_YEARLY, ENTERPRISE, CHEAP_PRO);
        for (Plan a : all) {
            for (Plan b : all) {
                int order = PlanGate.RANK.compare(a, b);
                assertThat(PlanGate.allows(a, b)).isEqualTo(order <= 0);
                assertThat(PlanGate.allows(b, a)).isEqualTo(order >= 0);
            }
        }
    }
}
