package io.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.metering.Plan;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Proration amounts and period ends, exactly. */
class ProrationTest {
    private static final Instant START = Instant.parse("2026-04-01T00:00:00Z");
    private static final Instant END = Instant.parse("2026-05-01T00:00:00Z"); // 30 days = 2,592,000 s

    @Test
    void anUpgradeHalfwayCreditsHalfTheOldPriceAndChargesHalfTheNew() {
        Proration p = Proration.of(2900, 19900, START, END, START.plus(Duration.ofDays(15)));
        assertThat(p.periodSeconds()).isEqualTo(2_592_000);
        assertThat(p.remainingSeconds()).isEqualTo(1_296_000);
        assertThat(p.creditMinor()).isEqualTo(1450);
        assertThat(p.chargeMinor()).isEqualTo(9950);
        assertThat(p.netMinor()).isEqualTo(8500);
    }

    @Test
    void aDowngradeWithAQuarterLeftIsANegativeNet() {
        Proration p = Proration.of(19900, 2900, START, END, START.plus(Duration.ofHours(540))); // 22.5 days gone, 7.5 left
        assertThat(p.creditMinor()).isEqualTo(4975);
        assertThat(p.chargeMinor()).isEqualTo(725);
        assertThat(p.netMinor()).isEqualTo(-4250);
    }

    @Test
    void eachAmountRoundsToTheNearestMinorUnitHalvesUp() {
        // A third left: 1000 / 3 = 333.33 → 333; 2000 / 3 = 666.67 → 667.
        Proration third = Proration.of(1000, 2000, START, END, START.plus(Duration.ofDays(20)));
        assertThat(third.creditMinor()).isEqualTo(333);
        assertThat(third.chargeMinor()).isEqualTo(667);
        assertThat(third.netMinor()).isEqualTo(334);
        // Exactly half a minor unit rounds up: 1 × 1/2 = 0.5 → 1; 3 × 1/2 = 1.5 → 2.
        assertThat(Proration.share(1, 1, 2)).isEqualTo(1);
        assertThat(Proration.share(3, 1, 2)).isEqualTo(2);
        assertThat(Proration.share(2899, 1, 2)).isEqualTo(1450);
        // The same price on both sides nets exactly zero, whatever the rounding.
        assertThat(Proration.of(999, 999, START, END, START.plusSeconds(12_345)).netMinor()).isZero();
    }

    @Test
    void nothingRemainsAfterTheEndAndEverythingBeforeTheStart() {
        assertThat(Proration.of(2900, 19900, START, END, END.plusSeconds(5)).netMinor()).isZero();
        Proration early = Proration.of(2900, 19900, START, END, START.minusSeconds(60));
        assertThat(early.creditMinor()).isEqualTo(2900);
        assertThat(early.chargeMinor()).isEqualTo(19900);
    }

    @Test
    void hugePricesAndYearsDoNotOverflow() {
        Instant yearEnd = START.atZone(java.time.ZoneOffset.UTC).plusYears(1).toInstant();
        Proration p = Proration.of(1_000_000_000_000L, 0, START, yearEnd, START);
        assertThat(p.creditMinor()).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void periodsCountFromTheAnchorSoMonthEndsStayMonthEnds() {
        Instant anchor = Instant.parse("2027-01-31T10:00:00Z");
        Instant feb = Periods.end(anchor, Plan.BillingCycle.MONTHLY, 1);
        assertThat(feb).isEqualTo(Instant.parse("2027-02-28T10:00:00Z"));
        assertThat(Periods.nextEnd(anchor, Plan.BillingCycle.MONTHLY, feb)).isEqualTo(Instant.parse("2027-03-31T10:00:00Z"));
        assertThat(Periods.nextEnd(anchor, Plan.BillingCycle.YEARLY, anchor)).isEqualTo(Instant.parse("2028-01-31T10:00:00Z"));
    }
}
