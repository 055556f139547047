package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A metered call waits at most TOLLGATE_METERING_WAIT_MILLIS. One still queued when its time is up is
 * answered 503 and never made, so nothing is charged; one whose batch is being decided is answered 503
 * too, and that batch may still commit. Its own server, for a one-second wait.
 */
@TestPropertySource(properties = {"tollgate.data-dir=target/test-data/meter-wait-${tollgate.test.fork:1}", "tollgate.metering.wait-millis=1000"})
class MeterWaitTest extends ApiTest {

    @Test
    void aCallQueuedPastItsWaitIsRefusedAndNeverCharged() throws Exception {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 10);
        activateCatalogApp(appId, "vto-001");
        Api client = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());

        // The slow call holds the writer for 3 s: longer than its own wait, and than the next call's.
        CompletableFuture<Api.Res> slow = CompletableFuture.supplyAsync(() -> client.post("/api/v1/test-slow-batch?millis=3000", Map.of()));
        Thread.sleep(300);
        long started = System.nanoTime();
        Api.Res queued = client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 2));
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(queued.status()).as(queued.toString()).isEqualTo(503);
        assertThat(queued.errorCode()).isEqualTo("METERING_UNAVAILABLE");
        assertThat(queued.json().get("error").get("message").asString()).contains("nothing was charged");
        assertThat(waitedMillis).isBetween(900L, 2500L);

        Api.Res slowAnswer = slow.get();
        assertThat(slowAnswer.status()).isEqualTo(503);
        assertThat(slowAnswer.json().get("error").get("message").asString()).contains("Idempotency-Key");
        // The slow call's batch committed after its caller was told 503; the queued call was never made.
        for (int i = 0; i < 50 && balance(wallet) == 10; i++) Thread.sleep(100);
        assertThat(balance(wallet)).isEqualTo(9);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(1);
        // The writer is free again: a new call goes through at once.
        assertThat(client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 2)).status()).isEqualTo(200);
        assertThat(balance(wallet)).isEqualTo(7);
    }
}
