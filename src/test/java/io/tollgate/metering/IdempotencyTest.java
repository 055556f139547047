package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Idempotency-Key on credit movements: replays answer the first response and charge once. */
class IdempotencyTest extends ApiTest {

    private Api client(String appId) {
        activateCatalogApp(appId, "vto-001");
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
    }

    @Test
    void sameKeySameBodyReplaysTheFirstAnswerAndChargesOnce() {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 10);
        Api client = client(appId).with("Idempotency-Key", "order-42");
        Map<String, Object> body = Map.of("app_id", "vto-001", "tokens_consumed", 3, "session_id", "s");
        Api.Res first = client.post("/api/v1/customer/tokens/consume", body);
        Api.Res again = client.post("/api/v1/customer/tokens/consume", body);
        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(balance(wallet)).isEqualTo(7);

        Api.Res other = client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 4, "session_id", "s"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(balance(wallet)).isEqualTo(7);
        // Keys are per app: another app may use the same key for its own request.
        String otherApp = createApp();
        fundOrganization(organizationOf(otherApp), 5);
        assertThat(client(otherApp).with("Idempotency-Key", "order-42").post("/api/v1/customer/tokens/consume", body).status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void anotherUsersCallWithTheSameKeyIsItsOwnCallNeverAReplay() {
        String appId = createApp();
        Api.Res item = admin.post("/api/external-apps/" + appId + "/content", Map.of("title", "Paid clip", "type", "video",
                "url", "https://cdn.example/secret.mp4", "status", "published", "pricing_type", "credits", "credits_required", 5));
        assertThat(item.status()).as(item.toString()).isEqualTo(201);
        String view = "/api/v1/content/" + item.data().get("id").asString() + "/view";
        Api app = client(appId);
        Api alice = app.with("X-External-User-Id", "alice").with("Idempotency-Key", "view-1");
        Api bob = app.with("X-External-User-Id", "bob").with("Idempotency-Key", "view-1");
        String aliceWallet = alice.get("/api/v1/credits/balance").data().get("wallet_id").asString();
        admin.post("/api/admin/wallets/" + aliceWallet + "/grants", Map.of("amount", 10, "reason", "top up"));

        Api.Res first = alice.post(view, null);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.data().get("content").get("url").asString()).isEqualTo("https://cdn.example/secret.mp4");
        assertThat(alice.post(view, null).header("Idempotent-Replayed")).isEqualTo("true");
        // Bob (3 starting credits) sends Alice's key and body: his own call, refused for his own wallet, not Alice's answer.
        Api.Res bobs = bob.post(view, null);
        assertThat(bobs.status()).as(bobs.toString()).isEqualTo(402);
        assertThat(bobs.errorCode()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(bobs.header("Idempotent-Replayed")).isNull();
        assertThat(bobs.text()).doesNotContain("secret.mp4");
        assertThat(alice.get("/api/v1/credits/balance").data().get("balance").asLong()).isEqualTo(8);
        // The app's organization is a payer of its own too.
        fundOrganization(organizationOf(appId), 20);
        Api.Res orgs = app.with("Idempotency-Key", "view-1").post(view, null);
        assertThat(orgs.status()).as(orgs.toString()).isEqualTo(200);
        assertThat(orgs.header("Idempotent-Replayed")).isNull();
        assertThat(orgs.data().get("credits_remaining").asLong()).isEqualTo(15);
    }

    @Test
    void refusalsAreReplayedToo() {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 0);
        Api client = client(appId).with("Idempotency-Key", "broke-1");
        Map<String, Object> body = Map.of("app_id", "vto-001", "tokens_consumed", 3);
        Api.Res refused = client.post("/api/v1/customer/tokens/consume", body);
        assertThat(refused.status()).isEqualTo(402);
        admin.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", 100, "reason", "top up"));
        Api.Res replay = client.post("/api/v1/customer/tokens/consume", body);
        assertThat(replay.status()).isEqualTo(402);
        assertThat(replay.text()).isEqualTo(refused.text());
        assertThat(balance(wallet)).isEqualTo(100);
    }

    @Test
    void concurrentDuplicatesOnTwentyConnectionsChargeOnce() throws Exception {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 1_000);
        Api client = client(appId).with("Idempotency-Key", "race-1");
        Map<String, Object> body = Map.of("app_id", "vto-001", "tokens_consumed", 9);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Api.Res>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) answers.add(pool.submit(() -> client.post("/api/v1/customer/tokens/consume", body)));
        List<String> bodies = new ArrayList<>();
        for (Future<Api.Res> answer : answers) {
            Api.Res res = answer.get();
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            bodies.add(res.text());
        }
        pool.shutdown();
        assertThat(bodies).allMatch(b -> b.equals(bodies.get(0)));
        assertThat(balance(wallet)).isEqualTo(991);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(1);
        assertLedgerConsistent();
    }

    @Test
    void adminGrantsAreIdempotent() {
        String wallet = fundOrganization(createOrganization(), 0);
        // A fresh key per run: the test database outlives a run, and a key once used stays claimed for 30 days.
        Api keyed = admin.with("Idempotency-Key", "grant-" + java.util.UUID.randomUUID());
        Api.Res first = keyed.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", 50, "reason", "promo"));
        Api.Res second = keyed.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", 50, "reason", "promo"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(balance(wallet)).isEqualTo(50);
        assertThat(keyed.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", 60, "reason", "promo")).status()).isEqualTo(422);
        assertThat(admin.with("Idempotency-Key", " ").post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", 1, "reason", "x"))
                .status()).isEqualTo(400);
    }
}
