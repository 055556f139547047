package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An anonymous user who signs in keeps its credits, its usage history and its used allowances. */
class AnonymousMergeTest extends ApiTest {

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
}
