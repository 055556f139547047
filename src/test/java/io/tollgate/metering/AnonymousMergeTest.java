package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** An anonymous user who signs in keeps its credits, its usage history and its used allowances. */
class AnonymousMergeTest extends ApiTest {
    @Autowired
    DataSource dataSource;

    @Test
    void walletUsageAndCountersFollowTheUserIntoTheAccount() {
        String appId = createApp();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "chat", "pricing_type", "credit", "credit_cost", 2,
                "free_tier_limit", 1, "free_tier_period", "day"));
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        String email = UUID.randomUUID() + "@example.com";
        JsonNode account = app.post("/api/v1/auth/register", Map.of("email", email, "password", "correct horse 1")).data();
        String accountId = account.get("user").get("id").asString();

        JsonNode anonymous = app.post("/api/v1/auth/anonymous", Map.of("device_id", "device-" + UUID.randomUUID())).data();
        Api guest = app.with("X-User-Token", anonymous.get("access_token").asString());
        String guestWallet = guest.get("/api/v1/credits/balance").data().get("wallet_id").asString();
        admin.post("/api/admin/wallets/" + guestWallet + "/grants", Map.of("amount", 20, "reason", "promo"));
        assertThat(guest.post("/api/v1/test-meter/chat", null).data().get("billing").get("pricing").asString()).isEqualTo("free_tier");
        assertThat(guest.post("/api/v1/test-meter/chat", null).data().get("billing").get("credits_used").asLong()).isEqualTo(2);
        long guestBalance = guest.get("/api/v1/credits/balance").data().get("balance").asLong();

        Api.Res login = app.with("X-User-Token", anonymous.get("access_token").asString())
                .post("/api/v1/auth/login", Map.of("email", email, "password", "correct horse 1"));
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        Api member = app.with("X-User-Token", login.data().get("access_token").asString());

        // Starting credits of both users plus the promo, less what the guest spent.
        long accountStart = 3;
        assertThat(member.get("/api/v1/credits/balance").data().get("balance").asLong()).isEqualTo(accountStart + guestBalance);
        assertThat(balance(guestWallet)).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE end_user_id = ?").param(accountId).query(Long.class).single()).isEqualTo(2);
        JsonNode users = admin.get("/api/external-apps/" + appId + "/users").data();
        JsonNode row = null;
        for (JsonNode u : users) if (u.get("user").get("id").asString().equals(accountId)) row = u;
        assertThat(row).isNotNull();
        assertThat(row.get("usage").get("calls").asLong()).isEqualTo(2);
        assertThat(row.get("usage").get("credits_used").asLong()).isEqualTo(2);
        // Today's free call was used as a guest: signing in does not give it back.
        assertThat(member.post("/api/v1/test-meter/chat", null).data().get("billing").get("pricing").asString()).isEqualTo("credits");
        assertLedgerConsistent();
    }

    private record Guest(Api app, String email, String token, String id, String wallet) {}

    /** An app with a "chat" feature (1 free a day, then 1 credit), an account, and a guest who has used the feature. */
    private Guest guest(long credits) {
        String appId = createApp();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "chat", "pricing_type", "credit", "credit_cost", 1,
                "free_tier_limit", 1, "free_tier_period", "day"));
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        String email = UUID.randomUUID() + "@example.com";
        assertThat(app.post("/api/v1/auth/register", Map.of("email", email, "password", "correct horse 1")).status()).isEqualTo(201);
        JsonNode anonymous = app.post("/api/v1/auth/anonymous", Map.of("device_id", "device-" + UUID.randomUUID())).data();
        String token = anonymous.get("access_token").asString();
        Api guest = app.with("X-User-Token", token);
        String wallet = guest.get("/api/v1/credits/balance").data().get("wallet_id").asString();
        admin.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", credits, "reason", "promo"));
        assertThat(guest.post("/api/v1/test-meter/chat", null).status()).isEqualTo(200);
        return new Guest(app, email, token, anonymous.get("user").get("id").asString(), wallet);
    }

    private static Api.Res login(Guest g) {
        return g.app().with("X-User-Token", g.token()).post("/api/v1/auth/login", Map.of("email", g.email(), "password", "correct horse 1"));
    }

    @Test
    void aMergeThatCannotGetTheGuestsRowsInTimeIs503NotA500() throws Exception {
        Guest g = guest(5);
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement lock = blocker.prepareStatement("SELECT used FROM meter_counters WHERE payer_id = ? FOR UPDATE")) {
                lock.setString(1, g.id());
                try (ResultSet rows = lock.executeQuery()) {
                    assertThat(rows.next()).as("the guest has a counter").isTrue();
                }
            }
            long began = System.nanoTime();
            Api.Res busy = login(g);
            assertThat(busy.status()).as(busy.toString()).isEqualTo(503);
            assertThat(busy.errorCode()).isEqualTo("MERGE_BUSY");
            assertThat(busy.json().get("success").asBoolean()).isFalse();
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(15));
            blocker.rollback();
        }
        // Nothing of the failed attempt stuck: the retry merges.
        Api.Res merged = login(g);
        assertThat(merged.status()).as(merged.toString()).isEqualTo(200);
        assertThat(g.app().with("X-User-Token", merged.data().get("access_token").asString()).get("/api/v1/credits/balance").data()
                .get("balance").asLong()).isEqualTo(3 + 3 + 5);
        assertLedgerConsistent();
    }

    /**
     * Metered calls lock counters, then wallets; so does a merge, or the two could deadlock. Seen from
     * the database: a merge waiting for the guest's wallet already holds the guest's counters.
     */
    @Test
    void aMergeTakesTheGuestsCountersBeforeItsWallet() throws Exception {
        Guest g = guest(5);
        try (Connection blocker = dataSource.getConnection(); Connection probe = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement lock = blocker.prepareStatement("SELECT balance FROM ledger_accounts WHERE id = ? FOR NO KEY UPDATE")) {
                lock.setString(1, g.wallet());
                lock.executeQuery().close();
            }
            CompletableFuture<Api.Res> signIn = CompletableFuture.supplyAsync(() -> login(g));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!waitingForAWallet(probe)) {
                assertThat(System.nanoTime()).as("the merge never waited for the wallet").isLessThan(deadline);
                Thread.sleep(20);
            }
            probe.setAutoCommit(false);
            try (PreparedStatement counters = probe.prepareStatement("SELECT used FROM meter_counters WHERE payer_id = ? FOR UPDATE NOWAIT")) {
                counters.setString(1, g.id());
                assertThatThrownBy(() -> counters.executeQuery().close()).hasMessageContaining("could not obtain lock");
            } finally {
                probe.rollback();
                blocker.rollback();
            }
            Api.Res merged = signIn.get(30, TimeUnit.SECONDS);
            assertThat(merged.status()).as(merged.toString()).isEqualTo(200);
        }
    }

    private static boolean waitingForAWallet(Connection probe) throws Exception {
        try (PreparedStatement waiting = probe.prepareStatement("""
                SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM ledger_accounts%FOR NO KEY UPDATE%'""");
             ResultSet rows = waiting.executeQuery()) {
            rows.next();
            return rows.getLong(1) > 0;
        }
    }

    /** Sign-ins merging the guest while the guest's calls are being metered: every answer is a real one, never a 500. */
    @Test
    void mergesRacingMeteredCallsOfTheGuestNeverFail() throws Exception {
        for (int round = 0; round < 5; round++) {
            Guest g = guest(40);
            Api guest = g.app().with("X-User-Token", g.token());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Api.Res>> calls = new ArrayList<>();
            Future<Api.Res> signIn;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 30; i++) calls.add(pool.submit(() -> { start.await(); return guest.post("/api/v1/test-meter/chat", null); }));
                signIn = pool.submit(() -> { start.await(); return login(g); });
                start.countDown();
                for (Future<Api.Res> call : calls) {
                    Api.Res res = call.get(60, TimeUnit.SECONDS);
                    // 401 once the guest's session ended; 402 for a call let in before and metered after the merge emptied its wallet.
                    assertThat(res.status()).as(res.toString()).isIn(200, 401, 402);
                }
                Api.Res merged = signIn.get(60, TimeUnit.SECONDS);
                assertThat(merged.status()).as(merged.toString()).isEqualTo(200);
            }
            long spent = calls.stream().map(Future::resultNow).filter(r -> r.status() == 200)
                    .mapToLong(r -> r.data().get("billing").path("credits_used").asLong(0)).sum();
            Api member = g.app().with("X-User-Token", signIn.resultNow().data().get("access_token").asString());
            assertThat(member.get("/api/v1/credits/balance").data().get("balance").asLong()).isEqualTo(3 + 3 + 40 - spent);
        }
        assertLedgerConsistent();
    }
}
