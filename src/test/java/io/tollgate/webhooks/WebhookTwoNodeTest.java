package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two Tollgate nodes on one database share the delivery queue (claims with FOR UPDATE SKIP LOCKED):
 * both deliver, and without a crash every event arrives exactly once.
 */
class WebhookTwoNodeTest extends ApiTest {
    @Autowired
    DataSource dataSource;

    @Test
    void twoNodesShareTheQueueAndDeliverEachEventOnce() throws Exception {
        String url = io.tollgate.OwnerDatabase.pool(dataSource).getJdbcUrl();
        String pepper = Files.readString(ApiTest.SHARED_DATA_DIR.resolve("secrets/key-pepper")).strip();
        String masterKeys = Files.readString(ApiTest.SHARED_DATA_DIR.resolve("secrets/master-keys")).strip();
        TollgateProcess nodeB = TollgateProcess.start("webhook-node-b", "--tollgate.data-dir=target/test-data/webhook-node-b",
                "--tollgate.database.url=" + url, "--tollgate.database.user=postgres", "--tollgate.keys.pepper=" + pepper,
                "--tollgate.crypto.master-keys=" + masterKeys, "--tollgate.operators.admin-token=" + ADMIN_TOKEN);
        try (Receiver receiver = new Receiver()) {
            Api onB = nodeB.awaitHealthy().bearer(ADMIN_TOKEN);
            receiver.answer(r -> {
                try {
                    Thread.sleep(20); // slow enough that each node's slots fill and the other one claims too
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Receiver.Answer(200, Map.of(), "ok");
            });
            String org = createOrganization();
            String endpointId = WebhookChecks.subscribe(admin, org, receiver, List.of("webhook.test")).endpointId();
            String path = "/api/admin/organizations/" + org + "/webhook-endpoints/" + endpointId + "/test";
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Api.Res res = (i % 2 == 0 ? admin : onB).post(path, null);
                assertThat(res.status()).as(res.toString()).isEqualTo(202);
                sent.add(res.data().get("event_id").asString());
            }
            List<Receiver.Request> got = receiver.awaitCount(60, Duration.ofSeconds(60));
            Thread.sleep(1_000); // a duplicate would have come by now
            assertThat(receiver.requests()).hasSize(60);
            assertThat(new HashSet<>(Receiver.ids(got))).containsExactlyInAnyOrderElementsOf(sent);
            List<String> nodes = jdbc.sql("SELECT DISTINCT node FROM webhook_attempts WHERE endpoint_id = ?").param(endpointId)
                    .query(String.class).list();
            assertThat(nodes).as("nodes that delivered").hasSize(2);
        } finally {
            nodeB.stop();
        }
    }
}
