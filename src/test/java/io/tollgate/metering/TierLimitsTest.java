package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 004's tiers as they ship (the migration's free, pro and premium plans, no made-up ones), through
 * the real generation and content endpoints: daily limits count generations only, and reset at UTC
 * midnight (a clock the test moves).
 */
class TierLimitsTest extends ClockedApiTest {

    private record App(String id, Api client) {}

    private App app() {
        String appId = createApp();
        for (String feature : List.of("image_generation", "video_generation")) {
            Api.Res res = admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", feature, "pricing_type", "credit",
                    "credit_cost", 1));
            assertThat(res.status()).as(res.toString()).isEqualTo(201);
        }
        return new App(appId, appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString()));
    }

    /** An end user named by the app (does not expire as the clock moves), with extra credits and, unless null, a plan. */
    private Api user(App app, long credits, String plan) {
        Api user = app.client().with("X-External-User-Id", "player-" + UUID.randomUUID());
        JsonNode wallet = user.get("/api/v1/credits/balance").data();
        if (credits > 0) admin.post("/api/admin/wallets/" + wallet.get("wallet_id").asString() + "/grants", Map.of("amount", credits, "reason", "top up"));
        if (plan != null) {
            String id = user.get("/api/v1/auth/me").data().get("user").get("id").asString();
            Api.Res sub = admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "end_user", "subscriber_id", id, "app_id", app.id(),
                    "plan_id", plan));
            assertThat(sub.status()).as(sub.toString()).isEqualTo(201);
        }
        return user;
    }

    private String paidItem(App app, String pricing) {
        Api.Res res = admin.post("/api/external-apps/" + app.id() + "/content", Map.of("title", "Clip", "type", "video",
                "url", "https://cdn.example/clip.mp4", "status", "published", "pricing_type", pricing, "credits_required", 1));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data().get("id").asString();
    }

    private static Api.Res generate(Api user, String kind) {
        return user.post("/api/v1/media/generate/" + kind, Map.of("prompt", "A beautiful sunset"));
    }

    /** Ten minutes before the next UTC midnight: room for the calls of a day, then a step into the next. */
    private void toEndOfDay() {
        Instant target = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                .minus(Duration.ofMinutes(10));
        clock.advance(Duration.between(clock.instant(), target));
    }

    private static void assertDailyLimit(Api.Res res, String plan, int limit) {
        assertThat(res.status()).as(res.toString()).isEqualTo(429);
        assertThat(res.errorCode()).isEqualTo("DAILY_LIMIT_REACHED");
        JsonNode details = res.json().get("error").get("details");
        assertThat(details.get("limit").asInt()).isEqualTo(limit);
        assertThat(details.get("plan").asString()).isEqualTo(plan);
        assertThat(Long.parseLong(res.header("Retry-After"))).isBetween(1L, 600L);
    }

    @Test
    void aFreeUserWithCreditsViewsContentAllDayButGetsThreeVideos() {
        App app = app();
        Api user = user(app, 20, null);
        String item = paidItem(app, "credits");
        toEndOfDay();
        for (int i = 0; i < 6; i++) {
            Api.Res view = user.post("/api/v1/content/" + item + "/view", null);
            assertThat(view.status()).as("view %d: %s", i + 1, view).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) assertThat(generate(user, "video").status()).as("video %d", i + 1).isEqualTo(202);
        assertDailyLimit(generate(user, "video"), "free", 3);
        // Each generation feature has its own 3.
        assertThat(generate(user, "image").status()).isEqualTo(202);
        assertThat(user.get("/api/v1/credits/balance").data().get("balance").asLong()).isEqualTo(3 + 20 - 6 - 4);
    }

    /**
     * A day's images up to the tier's limit, each held {@code held} credits; the next one refused; the
     * first of the next UTC day accepted again. Returns the balance between the refusal and midnight.
     */
    private long aDayAtTheLimit(Api user, String plan, int limit, long held) {
        toEndOfDay();
        for (int i = 0; i < limit; i++) {
            Api.Res res = generate(user, "image");
            assertThat(res.status()).as("image %d: %s", i + 1, res).isEqualTo(202);
            assertThat(res.data().get("credits_held").asLong()).isEqualTo(held);
        }
        assertDailyLimit(generate(user, "image"), plan, limit);
        long balance = user.get("/api/v1/credits/balance").data().get("balance").asLong();
        clock.advance(Duration.ofMinutes(11));
        assertThat(generate(user, "image").status()).as("the next UTC day").isEqualTo(202);
        return balance;
    }

    @Test
    void theProTierAllowsTwentyADay() {
        Api user = user(app(), 30, "pro");
        // Pro has no allowance: the 20 were paid with credits, and the refusal cost nothing.
        assertThat(aDayAtTheLimit(user, "pro", 20, 1)).isEqualTo(3 + 30 - 20);
    }

    @Test
    void thePremiumTierAllowsFiftyADayWithoutCredits() {
        Api user = user(app(), 0, "premium");
        // Unlimited with the subscription: nothing held, the starting credits untouched.
        assertThat(aDayAtTheLimit(user, "premium", 50, 0)).isEqualTo(3);
    }

    @Test
    void aSubscriptionItemNeedsAPlanThatIncludesItAndSaysWhich() {
        App app = app();
        String item = paidItem(app, "subscription");
        Api.Res pro = user(app, 10, "pro").post("/api/v1/content/" + item + "/view", null);
        assertThat(pro.status()).as(pro.toString()).isEqualTo(402);
        assertThat(pro.errorCode()).isEqualTo("SUBSCRIPTION_REQUIRED");
        JsonNode details = pro.json().get("error").get("details");
        assertThat(details.get("plan").asString()).isEqualTo("pro");
        assertThat(details.get("feature").asString()).isEqualTo("content_view");
        assertThat(details.get("plans").valueStream().map(JsonNode::asString).toList()).contains("premium").doesNotContain("pro", "free");
        assertThat(details.get("hint").asString()).contains("premium").contains("POST /api/v1/subscriptions");
        assertThat(pro.json().get("error").get("message").asString()).contains("Pro plan does not include content_view");

        Api.Res free = user(app, 10, null).post("/api/v1/content/" + item + "/view", null);
        assertThat(free.errorCode()).isEqualTo("SUBSCRIPTION_REQUIRED");
        Api.Res premium = user(app, 0, "premium").post("/api/v1/content/" + item + "/view", null);
        assertThat(premium.status()).as(premium.toString()).isEqualTo(200);
        assertThat(premium.data().get("subscription").get("plan").asString()).isEqualTo("premium");
    }
}
