package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A change and its event commit together or not at all: the outbox row is written in the change's transaction. */
class OutboxAtomicityTest extends ApiTest {

    private long messagesOf(String organizationId) {
        return jdbc.sql("SELECT count(*) FROM webhook_messages WHERE organization_id = ?").param(organizationId).query(Long.class).single();
    }

    @Test
    void aRolledBackPaymentEmitsNothingAndASettledOneItsEvent() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String appId = createApp();
            String org = organizationOf(appId);
            WebhookChecks.subscribe(admin, org, receiver, List.of("payment.succeeded", "credits.purchased"));
            Api app = appClient(appId, createKey(appId, Map.of("environment", "test")).get("key").asString());

            RollbackProbe.messagesSeenBeforeRollback = null;
            Api.Res failed = app.post("/api/v1/credits/purchase", Map.of("amount", RollbackProbe.CREDITS, "payment_method", "sandbox"));
            assertThat(failed.status()).as(failed.toString()).isEqualTo(500);
            // The outbox had written the events into the settling transaction; the rollback took them away with it.
            assertThat(RollbackProbe.messagesSeenBeforeRollback).isEqualTo(2);
            assertThat(messagesOf(org)).isZero();
            assertThat(jdbc.sql("SELECT status FROM payments WHERE organization_id = ?").param(org).query(String.class).single()).isEqualTo("pending");

            Api.Res paid = app.post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "sandbox"));
            assertThat(paid.status()).as(paid.toString()).isEqualTo(201);
            receiver.awaitType("payment.succeeded");
            assertThat(messagesOf(org)).isEqualTo(2);
            Thread.sleep(300);
            assertThat(receiver.requests()).hasSize(2).noneMatch(r -> r.body().contains(String.valueOf(RollbackProbe.CREDITS)));
        }
    }

    @Test
    void eventsOfOrganizationsWithoutEndpointsAreNotStored() throws Exception {
        String appId = createApp();
        String org = organizationOf(appId);
        Api app = appClient(appId, createKey(appId, Map.of("environment", "test")).get("key").asString());
        assertThat(app.post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "sandbox")).status()).isEqualTo(201);
        assertThat(messagesOf(org)).isZero();
    }
}
