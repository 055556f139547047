package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The backlog gauges count real pending deliveries: one for an endpoint that answers 500 is pending, and
 * due at any instant after its next attempt; counts stop at the bound; a refresh puts the numbers into
 * /actuator/prometheus. Instants are passed in, so nothing races the poller that delivers due ones.
 */
class DeliveryBacklogMetricsTest extends ApiTest {
    @Autowired
    DeliveryBacklogMetrics backlog;

    @Test
    void aFailingDeliveryIsPendingAndCountsAsDueOnceItsRetryTimeHasCome() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.answer(500);
            String org = createOrganization();
            String base = "/api/admin/organizations/" + org + "/webhook-endpoints";
            String endpoint = WebhookChecks.subscribe(admin, org, receiver, List.of("*")).endpointId();
            String eventId = admin.post(base + "/" + endpoint + "/test", null).data().get("event_id").asString();
            long deadline = System.currentTimeMillis() + 30_000;
            JsonNode delivery = admin.get(base + "/" + endpoint + "/deliveries/" + eventId).data();
            while (delivery.get("attempts").asInt() < 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                delivery = admin.get(base + "/" + endpoint + "/deliveries/" + eventId).data();
            }
            assertThat(delivery.get("status").asString()).as(delivery.toString()).isEqualTo("pending");

            // A day from now its retry (or, while claimed, its lease's end) has long come: due, and late by almost a day.
            DeliveryBacklogMetrics.Backlog later = backlog.count(Instant.now().plus(Duration.ofDays(1)), 100_000);
            assertThat(later.due()).isPositive();
            assertThat(later.pending()).isGreaterThanOrEqualTo(later.due());
            assertThat(later.oldestDueSeconds()).isGreaterThan(Duration.ofDays(1).minusHours(1).toSeconds());
            // Nothing was due in 1970; pending does not depend on the instant.
            DeliveryBacklogMetrics.Backlog before = backlog.count(Instant.EPOCH, 100_000);
            assertThat(before.due()).isZero();
            assertThat(before.oldestDueSeconds()).isZero();
            assertThat(before.pending()).isEqualTo(later.pending());
            // The bound: counting stops there.
            DeliveryBacklogMetrics.Backlog bounded = backlog.count(Instant.now().plus(Duration.ofDays(1)), 1);
            assertThat(bounded.due()).isEqualTo(1);
            assertThat(bounded.pending()).isEqualTo(1);

            // A refresh (the scheduled task) puts a pending count of at least this one into the scrape.
            backlog.refresh();
            String scrape = admin.get("/actuator/prometheus").text();
            String line = scrape.lines().filter(l -> l.startsWith("tollgate_webhook_deliveries_pending ")).findFirst().orElseThrow();
            assertThat(Double.parseDouble(line.substring(line.indexOf(' ') + 1))).isGreaterThanOrEqualTo(1);

            assertThat(admin.delete(base + "/" + endpoint).status()).isIn(200, 204);
        }
    }
}
