package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Inbound webhooks signed by independent implementations of each scheme (stripe-java for Stripe, the
 * standardwebhooks library, the JDK's HMAC for seed 002's hex scheme): verified, stored once, answered
 * at once, processed afterwards through pending → processing → completed, or retrying and failed.
 */
class InboundWebhooksTest extends ClockedApiTest {

    private String sources(String org) {
        return "/api/admin/organizations/" + org + "/webhook-sources";
    }

    private JsonNode source(String org, Map<String, Object> body) {
        Api.Res res = admin.post(sources(org), body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    private Api.Res post(String path, Map<String, String> headers, String body) {
        Api client = anonymous;
        for (var h : headers.entrySet()) client = client.with(h.getKey(), h.getValue());
        return client.send("POST", path, body);
    }

    private long stored(String sourceId) {
        return jdbc.sql("SELECT count(*) FROM webhook_events WHERE source_id = ?").param(sourceId).query(Long.class).single();
    }

    private JsonNode awaitStatus(String org, String sourceId, String eventId, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode e = admin.get(sources(org) + "/" + sourceId + "/events/" + eventId).data();
        while (!e.get("processing_status").asString().equals(status) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            e = admin.get(sources(org) + "/" + sourceId + "/events/" + eventId).data();
        }
        assertThat(e.get("processing_status").asString()).as(e.toString()).isEqualTo(status);
        return e;
    }

    @Test
    void stripeSignaturesAreVerifiedAndEachEventStoredOnce() throws Exception {
        String org = createOrganization();
        String secret = "whsec_" + UUID.randomUUID().toString().replace("-", "");
        JsonNode created = source(org, Map.of("name", "Stripe account", "scheme", "stripe", "secret", secret));
        assertThat(created.get("secret").isNull()).as("a secret brought is not shown back").isTrue();
        String path = created.get("inbound_path").asString();
        String sourceId = created.get("id").asString();
        String body = "{\"id\": \"evt_" + UUID.randomUUID() + "\", \"type\": \"charge.succeeded\", \"data\": {\"object\": {\"amount\": 500}}}";
        long now = clock.instant().getEpochSecond();
        String header = com.stripe.net.Webhook.Signature.generateSignatureHeader(body, secret, now);

        Api.Res first = post(path, Map.of("Stripe-Signature", header), body);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.data().get("duplicate").asBoolean()).isFalse();
        Api.Res again = post(path, Map.of("Stripe-Signature", header), body);
        assertThat(again.data().get("duplicate").asBoolean()).isTrue();
        assertThat(again.data().get("id").asString()).isEqualTo(first.data().get("id").asString());
        assertThat(stored(sourceId)).isEqualTo(1);
        JsonNode done = awaitStatus(org, sourceId, first.data().get("id").asString(), "completed");
        assertThat(done.get("event_type").asString()).isEqualTo("charge.succeeded");
        assertThat(done.get("payload").get("data").get("object").get("amount").asInt()).isEqualTo(500);

        // Refused, and nothing stored: a wrong secret, a changed body, an old timestamp, no header.
        String forged = com.stripe.net.Webhook.Signature.generateSignatureHeader(body, "whsec_other", now);
        assertThat(post(path, Map.of("Stripe-Signature", forged), body).errorCode()).isEqualTo("INVALID_SIGNATURE");
        assertThat(post(path, Map.of("Stripe-Signature", header), body.replace("500", "900")).errorCode()).isEqualTo("INVALID_SIGNATURE");
        String old = com.stripe.net.Webhook.Signature.generateSignatureHeader(body.replace("evt_", "evt_old"), secret, now - 600);
        assertThat(post(path, Map.of("Stripe-Signature", old), body.replace("evt_", "evt_old")).errorCode()).isEqualTo("INVALID_SIGNATURE");
        assertThat(post(path, Map.of(), body).status()).isEqualTo(400);
        assertThat(stored(sourceId)).isEqualTo(1);
        assertThat(post("/webhooks/in/whin_nosuchtoken", Map.of("Stripe-Signature", header), body).status()).isEqualTo(404);
    }

    @Test
    void standardWebhooksAreVerifiedAndKeyedByTheirWebhookId() throws Exception {
        String org = createOrganization();
        JsonNode created = source(org, Map.of("name", "Partner", "scheme", "standard_webhooks"));
        String secret = created.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        String path = created.get("inbound_path").asString();
        String body = "{\"type\": \"order.created\", \"data\": {\"n\": 1}}";
        String messageId = "msg_" + UUID.randomUUID();
        long now = clock.instant().getEpochSecond();
        Map<String, String> headers = Map.of("webhook-id", messageId, "webhook-timestamp", Long.toString(now),
                "webhook-signature", new Webhook(secret).sign(messageId, now, body));
        Api.Res res = post(path, headers, body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode event = awaitStatus(org, created.get("id").asString(), res.data().get("id").asString(), "completed");
        assertThat(event.get("event_id").asString()).isEqualTo(messageId);
        assertThat(post(path, headers, body).data().get("duplicate").asBoolean()).isTrue();
        Map<String, String> forged = Map.of("webhook-id", messageId + "x", "webhook-timestamp", Long.toString(now),
                "webhook-signature", new Webhook(Signatures.newSecret()).sign(messageId + "x", now, body));
        assertThat(post(path, forged, body).errorCode()).isEqualTo("INVALID_SIGNATURE");
    }

    /** Seed 002's verifyWebhook: the hex HMAC-SHA256 of the body, in a header of the source's choosing. */
    @Test
    void hexHmacSignaturesAreVerified() throws Exception {
        String org = createOrganization();
        JsonNode created = source(org, Map.of("name", "Git host", "scheme", "hmac_sha256_hex", "signature_header", "X-Hub-Signature-256"));
        String secret = created.get("secret").asString();
        String path = created.get("inbound_path").asString();
        String body = "{\"id\": \"delivery-1\", \"event\": \"push\"}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String hex = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        Api.Res res = post(path, Map.of("X-Hub-Signature-256", "sha256=" + hex), body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode event = awaitStatus(org, created.get("id").asString(), res.data().get("id").asString(), "completed");
        assertThat(event.get("event_type").asString()).isEqualTo("push");
        assertThat(post(path, Map.of("X-Hub-Signature-256", hex.replace('a', 'b').replace('1', '2')), body).errorCode()).isEqualTo("INVALID_SIGNATURE");
        assertThat(post(path, Map.of("X-Signature", hex), body).errorCode()).isEqualTo("INVALID_SIGNATURE"); // not the configured header
        String notJson = "plain text";
        String textHex = HexFormat.of().formatHex(mac.doFinal(notJson.getBytes(StandardCharsets.UTF_8)));
        assertThat(post(path, Map.of("X-Hub-Signature-256", textHex), notJson).status()).isEqualTo(400);
        // A switched-off source stops accepting.
        admin.put(sources(org) + "/" + created.get("id").asString(), Map.of("active", false));
        assertThat(post(path, Map.of("X-Hub-Signature-256", "sha256=" + hex), body).status()).isEqualTo(404);
    }

    /** Processing failures retry with backoff (the clock is moved past each wait) until they succeed, or fail after the limit. */
    @Test
    void processingRetriesThenCompletesOrFails() throws Exception {
        String org = createOrganization();
        JsonNode created = source(org, Map.of("name", "Flaky", "scheme", "standard_webhooks"));
        String sourceId = created.get("id").asString();
        String secret = created.get("secret").asString();
        String flaky = receive(created, secret, "{\"type\": \"probe.flaky\"}");
        JsonNode retrying = awaitStatus(org, sourceId, flaky, "retrying");
        assertThat(retrying.get("retry_count").asInt()).isEqualTo(1);
        assertThat(retrying.get("error_message").asString()).contains("probe failure 1");
        clock.advance(Duration.ofHours(2));
        awaitRetryCount(org, sourceId, flaky, 2);
        clock.advance(Duration.ofHours(2));
        JsonNode completed = awaitStatus(org, sourceId, flaky, "completed");
        assertThat(completed.get("processed_at").isNull()).isFalse();

        String broken = receive(created, secret, "{\"type\": \"probe.broken\"}");
        for (int i = 0; i < 6; i++) {
            Thread.sleep(300);
            clock.advance(Duration.ofHours(2));
        }
        JsonNode failed = awaitStatus(org, sourceId, broken, "failed");
        assertThat(failed.get("retry_count").asInt()).isEqualTo(5);
        assertThat(InboundProbeHandler.attempts.get(broken)).isEqualTo(5);
        assertThat(admin.get(sources(org) + "/" + sourceId + "/events?status=failed").data()).hasSize(1);
        Api.Res retried = admin.post(sources(org) + "/" + sourceId + "/events/" + broken + "/retry", null);
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        awaitRetryCount(org, sourceId, broken, 1);
        assertThat(admin.post(sources(org) + "/" + sourceId + "/events/" + flaky + "/retry", null).errorCode()).isEqualTo("INBOUND_EVENT_NOT_FAILED");
    }

    @Test
    void forwardedEventsReachTheOrganizationsEndpoints() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String org = createOrganization();
            var sub = WebhookChecks.subscribe(admin, org, receiver, List.of("inbound.received"));
            JsonNode created = source(org, Map.of("name", "Partner", "scheme", "standard_webhooks", "forward", true));
            String id = receive(created, created.get("secret").asString(), "{\"type\": \"order.shipped\", \"data\": {\"order\": 7}}");
            JsonNode forwarded = WebhookChecks.checked(receiver.awaitType("inbound.received"), sub.secret()).data();
            assertThat(forwarded.get("source_id").asString()).isEqualTo(created.get("id").asString());
            assertThat(forwarded.get("event_type").asString()).isEqualTo("order.shipped");
            assertThat(forwarded.get("payload").get("data").get("order").asInt()).isEqualTo(7);
            awaitStatus(org, created.get("id").asString(), id, "completed");
        }
    }

    @Test
    void theOrganizationsKeysManageSourcesWithTheScope() {
        String app = createApp();
        Api managing = appClient(app, createKey(app, Map.of("scopes", List.of("webhooks:manage"))).get("key").asString());
        Api.Res created = managing.post("/api/v1/webhook-sources", Map.of("name", "Mine", "scheme", "hmac_sha256_hex"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.data().get("signature_header").asString()).isEqualTo("X-Signature");
        assertThat(managing.get("/api/v1/webhook-sources").data()).hasSize(1);
        assertThat(managing.post("/api/v1/webhook-sources", Map.of("name", "No secret", "scheme", "stripe")).status()).isEqualTo(400);
        assertThat(managing.post("/api/v1/webhook-sources", Map.of("name", "Bad", "scheme", "carrier_pigeon")).status()).isEqualTo(400);
        Api plain = appClient(app, createKey(app, Map.of()).get("key").asString());
        assertThat(plain.get("/api/v1/webhook-sources").errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
    }

    private String receive(JsonNode source, String secret, String body) throws Exception {
        String messageId = "msg_" + UUID.randomUUID();
        long now = clock.instant().getEpochSecond();
        Api.Res res = post(source.get("inbound_path").asString(), Map.of("webhook-id", messageId, "webhook-timestamp", Long.toString(now),
                "webhook-signature", new Webhook(secret).sign(messageId, now, body)), body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.data().get("id").asString();
    }

    private void awaitRetryCount(String org, String sourceId, String eventId, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode e = admin.get(sources(org) + "/" + sourceId + "/events/" + eventId).data();
            if (e.get("retry_count").asInt() >= count && !e.get("processing_status").asString().equals("processing")) return;
            Thread.sleep(50);
        }
        throw new AssertionError("retry count " + count + " not reached");
    }
}
