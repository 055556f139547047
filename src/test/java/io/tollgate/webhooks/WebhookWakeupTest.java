package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Deliveries are woken, not polled: with the safety-net poll set to an hour, an event is delivered as
 * soon as it commits — on the node that committed it (in-process), and on another node (NOTIFY) while
 * the committing node has no free slot. Nothing here measures speed: every bound is far below the hour
 * a broken wake-up would leave the event waiting. Its own server, for the hour-long poll.
 */
@TestPropertySource(properties = {"tollgate.data-dir=target/test-data/webhook-wakeup-${tollgate.test.fork:1}",
        "tollgate.webhooks.poll-millis=" + WebhookWakeupTest.HOUR_MILLIS,
        // The receiver of the second test holds its answers; attempts must not time out meanwhile.
        "tollgate.webhooks.timeout-millis=60000", "tollgate.webhooks.lease-seconds=120"})
class WebhookWakeupTest extends ApiTest {
    static final int HOUR_MILLIS = 3_600_000;
    private static final Duration WELL_BEFORE_THE_POLL = Duration.ofSeconds(60);

    @Autowired
    DataSource dataSource;

    private static String testPath(String org, String endpointId) {
        return "/api/admin/organizations/" + org + "/webhook-endpoints/" + endpointId + "/test";
    }

    @Test
    void aCommittedEventAndAResendAreDeliveredWithoutWaitingForThePoll() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String org = createOrganization();
            String endpointId = WebhookChecks.subscribe(admin, org, receiver, List.of("webhook.test")).endpointId();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Api.Res res = admin.post(testPath(org, endpointId), null);
                assertThat(res.status()).as(res.toString()).isEqualTo(202);
                sent.add(res.data().get("event_id").asString());
                // One at a time: each commit must wake the dispatcher by itself, not ride on another's wake-up.
                receiver.awaitCount(i + 1, WELL_BEFORE_THE_POLL);
            }
            assertThat(Receiver.ids(receiver.requests())).containsExactlyElementsOf(sent);

            // A resend queues the delivery again inside its transaction: the wake-up must come after the commit.
            Api.Res resent = admin.post("/api/admin/organizations/" + org + "/webhook-endpoints/" + endpointId + "/deliveries/" + sent.getFirst()
                    + "/resend", null);
            assertThat(resent.status()).as(resent.toString()).isBetween(200, 202);
            assertThat(receiver.awaitCount(6, WELL_BEFORE_THE_POLL).getLast().id()).isEqualTo(sent.getFirst());
        }
    }

    @Test
    void anotherNodesCommitWakesThisNodeWhenThatNodeHasNoFreeSlot() throws Exception {
        String url = io.tollgate.OwnerDatabase.pool(dataSource).getJdbcUrl();
        Path data = ApiTest.dataDir("webhook-wakeup");
        TollgateProcess nodeB = TollgateProcess.start("webhook-wakeup-b", "--tollgate.data-dir=" + ApiTest.dataDir("webhook-wakeup-b"),
                "--tollgate.database.url=" + url, "--tollgate.database.user=postgres",
                "--tollgate.keys.pepper=" + Files.readString(data.resolve("secrets/key-pepper")).strip(),
                "--tollgate.crypto.master-keys=" + Files.readString(data.resolve("secrets/master-keys")).strip(),
                "--tollgate.operators.admin-token=" + ADMIN_TOKEN,
                "--tollgate.webhooks.poll-millis=" + HOUR_MILLIS, "--tollgate.webhooks.concurrency=1",
                "--tollgate.webhooks.timeout-millis=60000", "--tollgate.webhooks.lease-seconds=120");
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver receiver = new Receiver()) {
            Api onB = nodeB.awaitHealthy().bearer(ADMIN_TOKEN);
            // Every answer waits until all events have arrived: node B (one slot) can hold only one of them.
            receiver.answer(r -> {
                try {
                    release.await(WELL_BEFORE_THE_POLL.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Receiver.Answer(200, Map.of(), "ok");
            });
            String org = createOrganization();
            // Everything about this endpoint happens on node B; this node only hears B's NOTIFY.
            String endpointId = WebhookChecks.subscribe(onB, org, receiver, List.of("webhook.test")).endpointId();
            int n = 12;
            for (int i = 0; i < n; i++) {
                Api.Res res = onB.post(testPath(org, endpointId), null);
                assertThat(res.status()).as(res.toString()).isEqualTo(202);
            }
            // All n at the receiver at once, while B's one slot is taken: this node claimed at least n - 1 of
            // them, and it polls once an hour, so it was woken by B's commits.
            receiver.awaitCount(n, WELL_BEFORE_THE_POLL);
            release.countDown();
            long deadline = System.currentTimeMillis() + WELL_BEFORE_THE_POLL.toMillis();
            while (succeeded(endpointId) < n && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertThat(succeeded(endpointId)).isEqualTo(n);
            long here = jdbc.sql("SELECT count(*) FROM webhook_attempts WHERE endpoint_id = ? AND node LIKE ?")
                    .params(endpointId, "%:" + ProcessHandle.current().pid() + ":%").query(Long.class).single();
            assertThat(here).as("attempts made by this node").isGreaterThanOrEqualTo(n - 1);
        } finally {
            release.countDown();
            nodeB.stop();
        }
    }

    private long succeeded(String endpointId) {
        return jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'succeeded'").param(endpointId)
                .query(Long.class).single();
    }
}
