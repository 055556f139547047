package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * A Tollgate process killed with SIGKILL (kill -9) while a delivery is on the wire: after a restart the
 * event is delivered, with the same webhook-id. Nothing was lost; the receiver may see it twice, which
 * at-least-once allows and the shared id lets it recognise.
 */
class WebhookCrashTest {
    private static final String TOKEN = "crash-owner-token-0123456789abcdef";

    @Test
    void aDeliveryCutByKillMinus9IsMadeAfterTheRestartWithTheSameId() throws Exception {
        Path dir = Path.of("target/test-data/webhook-crash");
        FileSystemUtils.deleteRecursively(dir);
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver receiver = new Receiver()) {
            receiver.answer(r -> {
                if (receiver.requests().size() == 1) {
                    try {
                        release.await(120, TimeUnit.SECONDS); // hold the first delivery open: the node dies waiting for it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new Receiver.Answer(200, Map.of(), "ok");
            });
            TollgateProcess first = start(dir, "webhook-crash-first");
            String eventId;
            String org;
            String endpointId;
            try {
                Api admin = first.awaitHealthy().bearer(TOKEN);
                org = admin.post("/api/admin/organizations", Map.of("name", "Crash")).data().get("id").asString();
                Api.Res endpoint = admin.post("/api/admin/organizations/" + org + "/webhook-endpoints",
                        Map.of("url", receiver.url(), "event_types", List.of("*")));
                assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
                endpointId = endpoint.data().get("id").asString();
                eventId = admin.post("/api/admin/organizations/" + org + "/webhook-endpoints/" + endpointId + "/test", null)
                        .data().get("event_id").asString();
                Receiver.Request onTheWire = receiver.await(r -> true);
                assertThat(onTheWire.id()).isEqualTo(eventId);
            } finally {
                first.kill(); // SIGKILL: no shutdown hook, no result written
            }
            release.countDown();

            TollgateProcess second = start(dir, "webhook-crash-second");
            try {
                Api admin = second.awaitHealthy().bearer(TOKEN);
                List<Receiver.Request> got = receiver.awaitCount(2, Duration.ofSeconds(90));
                assertThat(Receiver.ids(got)).containsOnly(eventId);
                String path = "/api/admin/organizations/" + org + "/webhook-endpoints/" + endpointId + "/deliveries/" + eventId;
                String status = admin.get(path).data().get("status").asString();
                for (int i = 0; i < 200 && !status.equals("succeeded"); i++) {
                    Thread.sleep(100);
                    status = admin.get(path).data().get("status").asString();
                }
                assertThat(status).isEqualTo("succeeded");
            } finally {
                second.stop();
            }
        }
    }

    /** Its own embedded PostgreSQL in dir (the restart finds it orphaned and takes it over); a short lease, so the cut delivery is due soon after. */
    private static TollgateProcess start(Path dir, String name) throws Exception {
        return TollgateProcess.start(name, "--tollgate.data-dir=" + dir, "--tollgate.operators.admin-token=" + TOKEN,
                "--tollgate.webhooks.timeout-millis=3000", "--tollgate.webhooks.connect-timeout-millis=2000", "--tollgate.webhooks.lease-seconds=6");
    }
}
