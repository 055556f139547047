package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.billing.Subscription;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which subscription.* events a change of a subscription row means (pure). */
class SubscriptionTransitionsTest {
    private static final Instant P1 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant P2 = Instant.parse("2026-12-01T00:00:00Z");

    private static Subscription s(String status, Instant periodStart) {
        return new Subscription("sub_x", "end_user", "usr_x", "app_x", null, "pro", status, periodStart, periodStart.plusSeconds(86_400 * 30),
                true, false, null, null, "sandbox", 1000, "USD", 0, periodStart, null, null, null, Map.of(), P1, P1);
    }

    @Test
    void eachChangeMeansWhatASubscriberWouldCallIt() {
        assertThat(SubscriptionWebhooks.types(null, s("incomplete", P1))).containsExactly("subscription.created");
        assertThat(SubscriptionWebhooks.types(s("incomplete", P1), s("active", P1))).isEmpty(); // the first payment: not a renewal
        assertThat(SubscriptionWebhooks.types(s("active", P1), s("past_due", P2))).containsExactly("subscription.past_due");
        assertThat(SubscriptionWebhooks.types(s("past_due", P2), s("active", P2))).containsExactly("subscription.renewed");
        assertThat(SubscriptionWebhooks.types(s("unpaid", P2), s("active", P2))).containsExactly("subscription.renewed");
        assertThat(SubscriptionWebhooks.types(s("active", P1), s("active", P2))).containsExactly("subscription.renewed"); // free or Stripe renewal
        assertThat(SubscriptionWebhooks.types(s("active", P1), s("active", P1))).isEmpty(); // auto_renew off, a plan change
        assertThat(SubscriptionWebhooks.types(s("active", P1), s("canceled", P1))).containsExactly("subscription.canceled");
        assertThat(SubscriptionWebhooks.types(s("incomplete", P1), s("canceled", P1))).containsExactly("subscription.canceled");
        assertThat(SubscriptionWebhooks.types(s("canceled", P1), s("canceled", P1))).isEmpty();
        assertThat(SubscriptionWebhooks.types(s("past_due", P2), s("unpaid", P2))).isEmpty();
    }
}
