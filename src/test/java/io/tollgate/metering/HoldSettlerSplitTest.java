package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a settlement takes of its hold: pure, so every case is checked without a database. */
class HoldSettlerSplitTest {
    private static final HoldTicket.CounterUse FREE = new HoldTicket.CounterUse("org_1", "free:chat:2026-12-03", 1);
    private static final HoldTicket.CounterUse DAY = new HoldTicket.CounterUse("org_1", "day:chat:2026-12-03", 1);

    private static HoldTicket ticket(long credits, long planUnits, List<HoldTicket.CounterUse> counters) {
        return new HoldTicket(credits > 0 ? "hld_1" : null, credits, counters, "credits", planUnits, "org_1", "app_1", "org_1", "key_1", null,
                "chat", "/api/v1/gateway/chat", "POST", 0, 0, null, null, "req_1");
    }

    @Test
    void aFailureOwesNothingAndGivesEveryCounterBack() {
        HoldTicket t = ticket(100, 0, List.of(FREE, DAY));
        HoldSettler.Split split = HoldSettler.split(t, Settlement.failure(502, 10).owing(40, 40));
        assertThat(split).isEqualTo(new HoldSettler.Split(0, 0, List.of(FREE, DAY)));
    }

    @Test
    void aSuccessOwesAllWhenItSaysNothingElseAndNeverMoreThanWasHeld() {
        assertThat(HoldSettler.split(ticket(100, 0, List.of(DAY)), Settlement.success(200, 10))).isEqualTo(new HoldSettler.Split(100, 0, List.of()));
        assertThat(HoldSettler.split(ticket(100, 0, List.of()), Settlement.success(200, 10).owing(40, 40)).credits()).isEqualTo(40);
        assertThat(HoldSettler.split(ticket(100, 0, List.of()), Settlement.success(200, 10).owing(400, 400)).credits()).isEqualTo(100);
    }

    @Test
    void thePlanAllowancePaysFirstAndWhatItHeldBeyondThatIsGivenBack() {
        HoldTicket.CounterUse plan = new HoldTicket.CounterUse("org_1", "plan:sub_1:2026-12", 60);
        HoldTicket t = ticket(40, 60, List.of(plan, DAY));
        HoldSettler.Split small = HoldSettler.split(t, Settlement.success(200, 10).owing(25, 25));
        assertThat(small.planUnits()).isEqualTo(25);
        assertThat(small.credits()).isZero();
        assertThat(small.giveBack()).containsExactly(new HoldTicket.CounterUse("org_1", "plan:sub_1:2026-12", 35));
        HoldSettler.Split large = HoldSettler.split(t, Settlement.success(200, 10).owing(75, 75));
        assertThat(large.planUnits()).isEqualTo(60);
        assertThat(large.credits()).isEqualTo(15);
        assertThat(large.giveBack()).isEmpty();
    }
}
