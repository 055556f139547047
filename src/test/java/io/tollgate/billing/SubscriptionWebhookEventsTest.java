package io.tollgate.billing;

import static io.tollgate.webhooks.WebhookChecks.checked;
import static io.tollgate.webhooks.WebhookChecks.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import io.tollgate.webhooks.Receiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * subscription.renewed and subscription.past_due from the real renewal scheduler (run by hand, with the
 * clock moved): a renewal period starts unpaid (past_due) and its paid renewal payment makes it active
 * (renewed); a failed one stays past_due.
 */
class SubscriptionWebhookEventsTest extends ClockedApiTest {
    @Autowired
    SubscriptionRenewals renewals;

    private String plan() {
        String id = "whk" + UUID.randomUUID().toString().substring(0, 8);
        Api.Res res = admin.post("/api/admin/plans", Map.of("id", id, "name", "Webhook " + id, "audience", "end_user",
                "tokens_per_month", 5, "price_minor", 3000, "currency", "USD"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return id;
    }

    private void renewAt(Instant end) {
        Duration gap = Duration.between(clock.instant(), end.plusSeconds(1));
        if (!gap.isNegative()) clock.advance(gap);
        for (int i = 0; i < 1_000 && renewals.runOnce() > 0; i++) {
            // every batch due
        }
    }

    private JsonNode subscribeUser(String appId, String planId, String renewalOutcome) {
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
        Api.Res res = app.with("X-External-User-Id", "subscriber-" + UUID.randomUUID())
                .post("/api/v1/subscriptions", Map.of("plan_id", planId, "payment_method", "sandbox", "sandbox_renewal_outcome", renewalOutcome));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    @Test
    void aPaidRenewalSendsPastDueThenRenewed() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String appId = createApp();
            // Ordered: the events arrive in the order their transactions committed.
            Api.Res endpoint = admin.post("/api/admin/organizations/" + organizationOf(appId) + "/webhook-endpoints", Map.of("url", receiver.url(),
                    "event_types", List.of("subscription.renewed", "subscription.past_due"), "ordered", true));
            assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
            var sub = new io.tollgate.webhooks.WebhookChecks.Subscribed(endpoint.data().get("id").asString(), endpoint.data().get("secret").asString());
            JsonNode subscription = subscribeUser(appId, plan(), "succeed");
            Instant end = Instant.parse(subscription.get("current_period_end").asString());
            renewAt(end);
            JsonNode renewed = checked(receiver.awaitType("subscription.renewed"), sub.secret()).data();
            assertThat(renewed.get("id").asString()).isEqualTo(subscription.get("id").asString());
            assertThat(renewed.get("status").asString()).isEqualTo("active");
            assertThat(Instant.parse(renewed.get("current_period_start").asString())).isEqualTo(end);
            JsonNode pastDue = checked(receiver.awaitType("subscription.past_due"), sub.secret()).data();
            assertThat(Long.parseLong(receiver.awaitType("subscription.past_due").header("webhook-sequence")))
                    .isLessThan(Long.parseLong(receiver.awaitType("subscription.renewed").header("webhook-sequence")));
            assertThat(receiver.requests().indexOf(receiver.awaitType("subscription.past_due")))
                    .isLessThan(receiver.requests().indexOf(receiver.awaitType("subscription.renewed")));
            assertThat(pastDue.get("id").asString()).isEqualTo(subscription.get("id").asString());
        }
    }

    @Test
    void aFailedRenewalSendsPastDueAndNoRenewal() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String appId = createApp();
            var sub = subscribe(admin, organizationOf(appId), receiver, List.of("subscription.*"));
            JsonNode subscription = subscribeUser(appId, plan(), "fail");
            renewAt(Instant.parse(subscription.get("current_period_end").asString()));
            JsonNode pastDue = checked(receiver.awaitType("subscription.past_due"), sub.secret()).data();
            assertThat(pastDue.get("status").asString()).isEqualTo("past_due");
            Thread.sleep(500);
            assertThat(receiver.ofType("subscription.renewed")).isEmpty();
            assertThat(receiver.ofType("subscription.created")).hasSize(1);
        }
    }
}
