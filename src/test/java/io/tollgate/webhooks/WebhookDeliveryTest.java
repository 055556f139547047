package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Endpoints through the admin API and the organization's keys; delivery to receivers on this machine,
 * every signature checked by the standardwebhooks library (an independent implementation).
 */
class WebhookDeliveryTest extends ApiTest {
    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private String base(String org) {
        return "/api/admin/organizations/" + org + "/webhook-endpoints";
    }

    private JsonNode endpoint(String org, Map<String, Object> body) {
        Api.Res res = admin.post(base(org), body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    private String sendTest(String org, String endpointId) {
        Api.Res test = admin.post(base(org) + "/" + endpointId + "/test", null);
        assertThat(test.status()).as(test.toString()).isEqualTo(202);
        return test.data().get("event_id").asString();
    }

    private JsonNode delivery(String org, String endpointId, String eventId) {
        return admin.get(base(org) + "/" + endpointId + "/deliveries/" + eventId).data();
    }

    private JsonNode awaitDelivery(String org, String endpointId, String eventId, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode d = delivery(org, endpointId, eventId);
        while (!d.get("status").asString().equals(status) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            d = delivery(org, endpointId, eventId);
        }
        assertThat(d.get("status").asString()).as(d.toString()).isEqualTo(status);
        return d;
    }

    @Test
    void aTestEventIsSignedTheStandardWebhooksWay() throws Exception {
        String org = createOrganization();
        JsonNode created = endpoint(org, Map.of("url", receiver.url(), "event_types", List.of("*"), "description", "ERP"));
        String secret = created.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        String id = created.get("id").asString();
        assertThat(created.get("status").asString()).isEqualTo("enabled");
        // The secret is shown once: never again.
        Api.Res shown = admin.get(base(org) + "/" + id);
        assertThat(shown.text()).doesNotContain(secret.substring(6, 20)).doesNotContain("\"secret\"");
        assertThat(admin.get(base(org)).data()).hasSize(1);
        // Stored sealed by the platform's SecretBox, never in clear; master-key rotation knows the column.
        String stored = jdbc.sql("SELECT secret FROM webhook_endpoints WHERE id = ?").param(id).query(String.class).single();
        assertThat(stored).startsWith("tgenc:v1:").doesNotContain(secret.substring(6));
        assertThat(admin.get("/api/admin/master-keys").text()).contains("webhooks.endpoint_secrets");

        String eventId = sendTest(org, id);
        Receiver.Request got = receiver.awaitType("webhook.test");
        assertThat(got.id()).isEqualTo(eventId).startsWith("msg_");
        new Webhook(secret).verify(got.body(), got.headerLists());
        assertThat(got.data().get("endpoint_id").asString()).isEqualTo(id);
        WebhookChecks.assertShape(got);
        assertThat(got.json().get("timestamp").asString()).isNotBlank();
        assertThat(got.header("content-type")).startsWith("application/json");
        assertThat(got.header("user-agent")).isEqualTo(Sender.USER_AGENT);
        // Another secret does not verify it: the check above really checks.
        assertThatThrownBy(() -> new Webhook(Signatures.newSecret()).verify(got.body(), got.headerLists())).isNotNull();

        JsonNode done = awaitDelivery(org, id, eventId, "succeeded");
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(done.get("payload").get("type").asString()).isEqualTo("webhook.test");
        JsonNode attempts = admin.get(base(org) + "/" + id + "/attempts").data();
        assertThat(attempts.get(0).get("response_status").asInt()).isEqualTo(200);
        assertThat(attempts.get(0).get("response_excerpt").asString()).isEqualTo("ok");
        JsonNode stats = admin.get(base(org) + "/" + id + "/stats").data();
        assertThat(stats.get("success_rate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void duringARotationBothSecretsSign() throws Exception {
        String org = createOrganization();
        JsonNode created = endpoint(org, Map.of("url", receiver.url(), "event_types", List.of("webhook.test")));
        String id = created.get("id").asString();
        String oldSecret = created.get("secret").asString();
        Api.Res rotated = admin.post(base(org) + "/" + id + "/rotate-secret", Map.of("overlap_seconds", 3600));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String newSecret = rotated.data().get("secret").asString();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        assertThat(rotated.data().get("previous_secret_expires_at").isNull()).isFalse();

        String first = sendTest(org, id);
        Receiver.Request during = receiver.await(r -> r.id().equals(first));
        assertThat(during.header("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        new Webhook(oldSecret).verify(during.body(), during.headerLists());
        new Webhook(newSecret).verify(during.body(), during.headerLists());

        // Without an overlap the old secret stops signing at once.
        String newest = admin.post(base(org) + "/" + id + "/rotate-secret", Map.of("overlap_seconds", 0)).data().get("secret").asString();
        String second = sendTest(org, id);
        Receiver.Request after = receiver.await(r -> r.id().equals(second));
        assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
        new Webhook(newest).verify(after.body(), after.headerLists());
        assertThatThrownBy(() -> new Webhook(newSecret).verify(after.body(), after.headerLists())).isNotNull();
    }

    /** Ordered: one delivery in flight at a time, in event order, numbered; custom headers on each. */
    @Test
    void anOrderedEndpointGetsOneAtATimeInSequence() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        receiver.answer(r -> {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(60);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return new Receiver.Answer(200, Map.of(), "ok");
        });
        String org = createOrganization();
        String id = endpoint(org, Map.of("url", receiver.url(), "event_types", List.of("webhook.test"), "ordered", true,
                "headers", Map.of("X-Tenant", "acme"))).get("id").asString();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) sent.add(sendTest(org, id));
        List<Receiver.Request> got = receiver.awaitCount(6, Duration.ofSeconds(30));
        assertThat(Receiver.ids(got)).containsExactlyElementsOf(sent);
        assertThat(got.stream().map(r -> Long.parseLong(r.header("webhook-sequence")))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(got).allMatch(r -> "acme".equals(r.header("x-tenant")));
        assertThat(mostAtOnce.get()).isEqualTo(1);
    }

    /** Over the endpoint's rate limit a delivery waits for its turn: not an attempt, not a failure. */
    @Test
    void theRateLimitSpacesDeliveriesWithoutCountingAttempts() throws Exception {
        String org = createOrganization();
        String id = endpoint(org, Map.of("url", receiver.url(), "event_types", List.of("webhook.test"), "rate_limit_per_second", 1))
                .get("id").asString();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) sent.add(sendTest(org, id));
        List<Receiver.Request> got = receiver.awaitCount(4, Duration.ofSeconds(30));
        assertThat(Receiver.ids(got)).containsExactlyInAnyOrderElementsOf(sent);
        // One a second: the fourth cannot have come sooner than two seconds after the first (a slow machine only spreads them more).
        assertThat(got.get(3).receivedAtMillis() - got.get(0).receivedAtMillis()).isGreaterThanOrEqualTo(1_500);
        for (String eventId : sent) assertThat(awaitDelivery(org, id, eventId, "succeeded").get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void theOrganizationsOwnSecretKeysManageItsEndpointsWithTheScope() throws Exception {
        String app = createApp();
        String org = organizationOf(app);
        Api plain = appClient(app, createKey(app, Map.of()).get("key").asString());
        assertThat(plain.get("/api/v1/webhook-endpoints").errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        JsonNode key = createKey(app, Map.of("scopes", List.of("webhooks:manage")));
        Api managing = appClient(app, key.get("key").asString());
        Api.Res created = managing.post("/api/v1/webhook-endpoints", Map.of("url", receiver.url(), "event_types", List.of("payment.*")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.data().get("organization_id").asString()).isEqualTo(org);
        assertThat(managing.get("/api/v1/webhook-endpoints").data()).hasSize(1);
        // Another organization's endpoint is out of reach.
        String other = createOrganization();
        String foreign = endpoint(other, Map.of("url", receiver.url(), "event_types", List.of("*"))).get("id").asString();
        assertThat(managing.get("/api/v1/webhook-endpoints/" + foreign).status()).isEqualTo(404);
        assertThat(managing.put("/api/v1/webhook-settings", Map.of("credits_low_threshold", 25)).data().get("credits_low_threshold").asLong())
                .isEqualTo(25);
        Api.Res publishable = admin.post("/api/external-apps/" + app + "/api-keys", Map.of("key_type", "publishable", "scopes", List.of("webhooks:manage")));
        assertThat(publishable.status()).isEqualTo(400);
        assertThat(managing.get("/api/v1/webhook-event-types").data().size()).isEqualTo(EventCatalog.all().size());
    }

    @Test
    void urlsThatLeadToPrivateAddressesAreRefused() {
        String org = createOrganization();
        for (String url : List.of("http://hooks.example.com/x", "https://10.0.0.8/x", "https://169.254.169.254/latest/meta-data", "https://[::1]/",
                "https://localhost:8443/", "https://127.0.0.2/", "https://[::ffff:127.0.0.1]/", "https://192.168.1.10/", "https://user:pw@8.8.8.8/",
                "ftp://127.0.0.1/", "not a url", "https://0.0.0.0/", "https://[fd00:ec2::254]/")) {
            Api.Res res = admin.post(base(org), Map.of("url", url, "event_types", List.of("*")));
            assertThat(res.status()).as(url + " → " + res).isEqualTo(400);
            assertThat(res.json().get("error").get("details").get("fields").get(0).get("field").asString()).isEqualTo("url");
        }
    }

    @Test
    void badFiltersHeadersAndSecretsAreRefused() {
        String org = createOrganization();
        assertThat(admin.post(base(org), Map.of("url", receiver.url(), "event_types", List.of("payment.succeded"))).status()).isEqualTo(400);
        assertThat(admin.post(base(org), Map.of("url", receiver.url(), "event_types", List.of())).status()).isEqualTo(400);
        assertThat(admin.post(base(org), Map.of("url", receiver.url(), "event_types", List.of("*"), "headers", Map.of("webhook-id", "x")))
                .status()).isEqualTo(400);
        assertThat(admin.post(base(org), Map.of("url", receiver.url(), "event_types", List.of("*"), "headers", Map.of("X-A", "a\r\nb")))
                .status()).isEqualTo(400);
        assertThat(admin.post(base(org), Map.of("url", receiver.url(), "event_types", List.of("*"), "secret", "whsec_short")).status())
                .isEqualTo(400);
        String own = Signatures.newSecret();
        Api.Res brought = admin.post(base(org), Map.of("url", receiver.url(), "event_types", List.of("payment.*", "credits.low"), "secret", own));
        assertThat(brought.status()).as(brought.toString()).isEqualTo(201);
        assertThat(brought.data().get("secret").asString()).isEqualTo(own);
        assertThat(admin.get(base("org_nothere")).status()).isEqualTo(404);
    }

    /** 410 disables the endpoint and tells the organization; its later events are held, recovered once it is enabled. */
    @Test
    void goneDisablesTheEndpointAndItsEventsAreKeptForRecovery() throws Exception {
        try (Receiver watcher = new Receiver()) {
            String org = createOrganization();
            String watching = endpoint(org, Map.of("url", watcher.url(), "event_types", List.of("webhook_endpoint.*"))).get("id").asString();
            String id = endpoint(org, Map.of("url", receiver.url(), "event_types", List.of("*"))).get("id").asString();
            receiver.answer(410);
            Instant before = Instant.now().minusSeconds(1);
            String first = sendTest(org, id);
            Receiver.Request notice = watcher.awaitType("webhook_endpoint.disabled");
            assertThat(notice.data().get("id").asString()).isEqualTo(id);
            assertThat(notice.data().get("reason").asString()).isEqualTo("gone");
            JsonNode disabled = admin.get(base(org) + "/" + id).data();
            assertThat(disabled.get("status").asString()).isEqualTo("disabled");
            assertThat(disabled.get("disabled_reason").asString()).isEqualTo("gone");
            assertThat(admin.get("/api/admin/audit-log?action=webhook_endpoint.disabled&target_id=" + id).data()).hasSize(1);
            assertThat(admin.post(base(org) + "/" + id + "/test", null).errorCode()).isEqualTo("WEBHOOK_ENDPOINT_NOT_ENABLED");
            assertThat(delivery(org, id, first).get("status").asString()).isEqualTo("failed");
            // The watcher's own endpoint subscribes to everything: the notice about it is held for it, not lost.
            assertThat(admin.get(base(org) + "/" + id + "/deliveries?status=undelivered").data()).hasSize(2);

            receiver.answer(200);
            Api.Res enabled = admin.put(base(org) + "/" + id, Map.of("active", true));
            assertThat(enabled.data().get("status").asString()).isEqualTo("enabled");
            Api.Res recovered = admin.post(base(org) + "/" + id + "/recover", Map.of("since", before.toString()));
            assertThat(recovered.data().get("queued").asInt()).as(recovered.toString()).isEqualTo(2);
            Receiver.Request again = receiver.await(r -> r.id().equals(first) && receiver.requests().indexOf(r) > 0);
            assertThat(again.type()).isEqualTo("webhook.test");
            awaitDelivery(org, id, first, "succeeded");
            assertThat(watching).isNotNull();
        }
    }

    @Test
    void aFailedEventIsLoggedAndResentWithTheSameId() throws Exception {
        receiver.answer(r -> new Receiver.Answer(500, Map.of(), "database down"));
        String org = createOrganization();
        String id = endpoint(org, Map.of("url", receiver.url(), "event_types", List.of("*"))).get("id").asString();
        String eventId = sendTest(org, id);
        receiver.await(r -> r.id().equals(eventId));
        JsonNode waiting = awaitAttempts(org, id, 1);
        assertThat(waiting.get("status").asString()).isEqualTo("pending");
        assertThat(waiting.get("last_status_code").asInt()).isEqualTo(500);
        Instant next = Instant.parse(waiting.get("next_attempt_at").asString());
        // The second attempt comes 5 s (±20 %) after the first.
        assertThat(next).isBetween(Instant.now().minusSeconds(2), Instant.now().plusSeconds(7));
        JsonNode log = admin.get(base(org) + "/" + id + "/attempts").data().get(0);
        assertThat(log.get("succeeded").asBoolean()).isFalse();
        assertThat(log.get("response_excerpt").asString()).isEqualTo("database down");
        assertThat(admin.get(base(org) + "/" + id + "/deliveries?status=undelivered").data().get(0).get("event_id").asString()).isEqualTo(eventId);

        receiver.answer(200);
        Api.Res resent = admin.post(base(org) + "/" + id + "/deliveries/" + eventId + "/resend", null);
        assertThat(resent.status()).as(resent.toString()).isEqualTo(200);
        awaitDelivery(org, id, eventId, "succeeded");
        assertThat(receiver.requests()).allMatch(r -> r.id().equals(eventId));
        assertThat(admin.get(base(org) + "/" + id + "/stats").data().get("success_rate").asDouble()).isLessThan(1.0);
        assertThat(admin.post(base(org) + "/" + id + "/deliveries/msg_01jf3k9w6h2xv8n4q5r7s9t1u3/resend", null).status()).isEqualTo(404);
        assertThat(admin.get(base(org) + "/" + id + "/deliveries?status=lost").status()).isEqualTo(400);
    }

    @Test
    void retryAfterIsHonouredAndRedirectsAreNotFollowed() throws Exception {
        String org = createOrganization();
        receiver.answer(r -> new Receiver.Answer(503, Map.of("Retry-After", "120"), "busy"));
        String id = endpoint(org, Map.of("url", receiver.url(), "event_types", List.of("*"))).get("id").asString();
        String eventId = sendTest(org, id);
        JsonNode waiting = awaitAttempts(org, id, 1);
        assertThat(Instant.parse(waiting.get("next_attempt_at").asString())).isAfter(Instant.now().plusSeconds(100));
        assertThat(eventId).isNotNull();

        try (Receiver elsewhere = new Receiver()) {
            String org2 = createOrganization();
            receiver.answer(r -> new Receiver.Answer(302, Map.of("Location", elsewhere.url()), ""));
            String moved = endpoint(org2, Map.of("url", receiver.url(), "event_types", List.of("*"))).get("id").asString();
            sendTest(org2, moved);
            JsonNode d = awaitAttempts(org2, moved, 1);
            assertThat(d.get("last_status_code").asInt()).isEqualTo(302);
            assertThat(d.get("last_error").asString()).contains("redirects are not followed");
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void theCatalogIsServedAndDocumented() {
        JsonNode types = admin.get("/api/admin/webhook-event-types").data();
        assertThat(types.size()).isEqualTo(EventCatalog.all().size());
        JsonNode docs = null;
        // The first request builds the whole document, which a loaded machine may take longer than the client waits for.
        for (int i = 0; i < 3 && docs == null; i++) {
            try {
                docs = anonymous.get("/v3/api-docs", Api.SLOW).json();
            } catch (IllegalStateException timedOut) {
                if (i == 2) throw timedOut;
            }
        }
        for (EventType type : EventCatalog.all()) assertThat(docs.get("webhooks").has(type.name())).as(type.name()).isTrue();
        assertThat(docs.get("paths").has("/api/admin/organizations/{organizationId}/webhook-endpoints")).isTrue();
        assertThat(docs.get("paths").has("/api/v1/webhook-endpoints")).isTrue();
    }

    /** The endpoint's only delivery once it has this many attempts. */
    private JsonNode awaitAttempts(String org, String endpointId, int attempts) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode list = admin.get(base(org) + "/" + endpointId + "/deliveries").data();
            if (!list.isEmpty() && list.get(0).get("attempts").asInt() >= attempts) return list.get(0);
            Thread.sleep(50);
        }
        throw new AssertionError("no delivery reached " + attempts + " attempts");
    }
}
