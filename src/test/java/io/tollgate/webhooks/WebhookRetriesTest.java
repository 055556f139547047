package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The retry schedule and the five-day rule against the application's clock, which the test moves: no
 * test waits for real hours. Every attempt of an event carries the same webhook-id.
 */
class WebhookRetriesTest extends ClockedApiTest {

    private String base(String org) {
        return "/api/admin/organizations/" + org + "/webhook-endpoints";
    }

    private JsonNode delivery(String org, String endpointId, String eventId) {
        return admin.get(base(org) + "/" + endpointId + "/deliveries/" + eventId).data();
    }

    /** Waits until the event's delivery has this many attempts and is no longer in flight. */
    private JsonNode awaitAttempts(String org, String endpointId, String eventId, int attempts) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode d = delivery(org, endpointId, eventId);
        while (d.get("attempts").asInt() < attempts && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            d = delivery(org, endpointId, eventId);
        }
        assertThat(d.get("attempts").asInt()).as(d.toString()).isEqualTo(attempts);
        return d;
    }

    private String sendTest(String org, String endpointId) {
        Api.Res res = admin.post(base(org) + "/" + endpointId + "/test", null);
        assertThat(res.status()).as(res.toString()).isEqualTo(202);
        return res.data().get("event_id").asString();
    }

    @Test
    void aFailingEventIsTriedEightTimesOnTheScheduleThenFails() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.answer(500);
            String org = createOrganization();
            String id = WebhookChecks.subscribe(admin, org, receiver, List.of("*")).endpointId();
            String eventId = sendTest(org, id);
            Duration[] schedule = RetrySchedule.DELAYS.toArray(Duration[]::new);
            for (int attempt = 1; attempt <= schedule.length; attempt++) {
                JsonNode d = awaitAttempts(org, id, eventId, attempt);
                assertThat(d.get("status").asString()).isEqualTo("pending");
                Instant next = Instant.parse(d.get("next_attempt_at").asString());
                Duration wait = Duration.between(clock.instant(), next);
                long expected = schedule[attempt - 1].toMillis();
                // ±20 % jitter, less the moments since the attempt was made.
                assertThat(wait.toMillis()).as("wait after attempt " + attempt).isBetween(expected * 8 / 10 - 5_000, expected * 12 / 10);
                clock.advance(wait.plusMillis(1));
            }
            JsonNode last = awaitAttempts(org, id, eventId, RetrySchedule.MAX_ATTEMPTS);
            Thread.sleep(300);
            last = delivery(org, id, eventId);
            assertThat(last.get("status").asString()).isEqualTo("failed");
            assertThat(receiver.requests()).hasSize(RetrySchedule.MAX_ATTEMPTS).allMatch(r -> r.id().equals(eventId));
            JsonNode log = admin.get(base(org) + "/" + id + "/attempts?per_page=20").data();
            assertThat(log).hasSize(RetrySchedule.MAX_ATTEMPTS);
            assertThat(log.get(0).get("attempt").asInt()).isEqualTo(RetrySchedule.MAX_ATTEMPTS);
            // Failing for a day and a bit is not yet five days: the endpoint stays enabled.
            assertThat(admin.get(base(org) + "/" + id).data().get("status").asString()).isEqualTo("enabled");
        }
    }

    /**
     * An endpoint failing every attempt for five days is disabled, the organization told (event and
     * audit), and its events kept; once fixed and enabled, recovering since the first failure delivers
     * them all with their original ids.
     */
    @Test
    void fiveDaysOfFailuresDisableTheEndpointAndRecoveryDeliversWhatWasKept() throws Exception {
        try (Receiver receiver = new Receiver(); Receiver watcher = new Receiver()) {
            receiver.answer(503);
            String org = createOrganization();
            String id = WebhookChecks.subscribe(admin, org, receiver, List.of("webhook.test")).endpointId();
            var watching = WebhookChecks.subscribe(admin, org, watcher, List.of("webhook_endpoint.disabled"));
            Instant firstFailure = clock.instant();
            String first = sendTest(org, id);
            awaitAttempts(org, id, first, 1);

            clock.advance(Duration.ofDays(1));
            String second = sendTest(org, id);
            awaitAttempts(org, id, second, 1);
            awaitAttempts(org, id, first, 2);
            assertThat(admin.get(base(org) + "/" + id).data().get("status").asString()).isEqualTo("enabled");
            assertThat(admin.get(base(org) + "/" + id + "/stats").data().get("failing_since").asString()).isNotNull();

            clock.advance(Duration.ofDays(4).plusHours(1));
            Receiver.Request notice = WebhookChecks.checked(watcher.awaitType("webhook_endpoint.disabled"), watching.secret());
            assertThat(notice.data().get("id").asString()).isEqualTo(id);
            assertThat(notice.data().get("reason").asString()).isEqualTo("failing");
            assertThat(Instant.parse(notice.data().get("failing_since").asString())).isBetween(firstFailure.minusSeconds(1), firstFailure.plusSeconds(5));
            JsonNode disabled = admin.get(base(org) + "/" + id).data();
            assertThat(disabled.get("status").asString()).isEqualTo("disabled");
            assertThat(disabled.get("disabled_reason").asString()).isEqualTo("failing");
            assertThat(admin.get("/api/admin/audit-log?action=webhook_endpoint.disabled&target_id=" + id).data()).hasSize(1);
            // Nothing is lost: both events wait, held.
            Thread.sleep(300);
            JsonNode undelivered = admin.get(base(org) + "/" + id + "/deliveries?status=undelivered").data();
            assertThat(undelivered).hasSize(2).allMatch(d -> d.get("status").asString().equals("held"));

            receiver.answer(200);
            int before = receiver.requests().size();
            assertThat(admin.put(base(org) + "/" + id, Map.of("active", true)).data().get("status").asString()).isEqualTo("enabled");
            Api.Res recovered = admin.post(base(org) + "/" + id + "/recover", Map.of("since", firstFailure.minusSeconds(1).toString()));
            assertThat(recovered.data().get("queued").asInt()).isEqualTo(2);
            List<Receiver.Request> after = receiver.awaitCount(before + 2, Duration.ofSeconds(30));
            assertThat(Receiver.ids(after.subList(before, after.size()))).containsExactlyInAnyOrder(first, second);
            for (int i = 0; i < 100 && !delivery(org, id, first).get("status").asString().equals("succeeded"); i++) Thread.sleep(50);
            assertThat(delivery(org, id, first).get("status").asString()).isEqualTo("succeeded");
            assertThat(admin.get(base(org) + "/" + id + "/stats").data().get("failing_since").isNull()).isTrue();
        }
    }
}
