package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Free allowances and daily limits across UTC day and month boundaries, with a clock the test moves. */
class DayBoundaryTest extends ClockedApiTest {

    private void advanceTo(Instant target) {
        Duration gap = Duration.between(clock.instant(), target);
        if (gap.isNegative()) throw new IllegalStateException("cannot go back in time");
        clock.advance(gap);
    }

    /** One minute before the next UTC midnight. */
    private Instant beforeMidnight() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(60);
    }

    /** An end user named by the app (secret key): unlike an access token, it does not expire as the clock moves. */
    private Api user(String appId, Api app) {
        return app.with("X-External-User-Id", "player-" + UUID.randomUUID());
    }

    private void feature(String appId, Map<String, Object> rule) {
        Api.Res res = admin.post("/api/external-apps/" + appId + "/features", rule);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
    }

    @Test
    void aDailyFreeAllowanceResetsAtUtcMidnight() {
        String appId = createApp();
        feature(appId, Map.of("feature_name", "daily_probe", "pricing_type", "free", "free_tier_limit", 2, "free_tier_period", "day"));
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        Api user = user(appId, app);
        advanceTo(beforeMidnight());

        JsonNode first = user.post("/api/v1/test-meter/daily_probe", null).data().get("billing").get("usage");
        assertThat(first.get("free_tier_used").asLong()).isEqualTo(1);
        assertThat(first.get("free_tier_limit").asLong()).isEqualTo(2);
        assertThat(first.get("remaining_free").asLong()).isEqualTo(1);
        assertThat(user.post("/api/v1/test-meter/daily_probe", null).status()).isEqualTo(200);
        Api.Res refused = user.post("/api/v1/test-meter/daily_probe", null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);

        clock.advance(Duration.ofSeconds(61));
        JsonNode nextDay = user.post("/api/v1/test-meter/daily_probe", null).data().get("billing").get("usage");
        assertThat(nextDay.get("free_tier_used").asLong()).isEqualTo(1);
        // Another user has an allowance of its own.
        assertThat(user(appId, app).post("/api/v1/test-meter/daily_probe", null).status()).isEqualTo(200);
    }

    @Test
    void theFreePlansDailyLimitOfThreeResetsTheNextDay() {
        String appId = createApp();
        feature(appId, Map.of("feature_name", "video_generation", "pricing_type", "credit", "credit_cost", 1));
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        Api user = user(appId, app);
        // Seed 004: the free tier starts with 3 credits.
        JsonNode wallet = user.get("/api/v1/credits/balance").data();
        assertThat(wallet.get("balance").asLong()).isEqualTo(3);
        admin.post("/api/admin/wallets/" + wallet.get("wallet_id").asString() + "/grants", Map.of("amount", 10, "reason", "top up"));
        advanceTo(beforeMidnight());

        for (int i = 0; i < 3; i++) {
            Api.Res ok = user.post("/api/v1/test-meter/video_generation", null);
            assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
            assertThat(ok.data().get("billing").get("credits_used").asLong()).isEqualTo(1);
        }
        Api.Res capped = user.post("/api/v1/test-meter/video_generation", null);
        assertThat(capped.status()).isEqualTo(429);
        assertThat(capped.errorCode()).isEqualTo("DAILY_LIMIT_REACHED");
        assertThat(capped.json().get("error").get("details").get("limit").asInt()).isEqualTo(3);
        assertThat(user.get("/api/v1/credits/balance").data().get("balance").asLong()).isEqualTo(10);

        clock.advance(Duration.ofSeconds(61));
        assertThat(user.post("/api/v1/test-meter/video_generation", null).status()).isEqualTo(200);
        assertThat(user.get("/api/v1/credits/balance").data().get("balance").asLong()).isEqualTo(9);
    }

    @Test
    void aMonthlyFreeAllowanceResetsOnTheFirst() {
        String appId = createApp();
        feature(appId, Map.of("feature_name", "content_view", "pricing_type", "free", "free_tier_limit", 1, "free_tier_period", "month"));
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        Api user = user(appId, app);
        YearMonth month = YearMonth.from(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        advanceTo(month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).minus(Duration.ofHours(1)));
        assertThat(user.post("/api/v1/test-meter/content_view", null).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(30));
        assertThat(user.post("/api/v1/test-meter/content_view", null).errorCode()).isEqualTo("QUOTA_EXCEEDED");
        clock.advance(Duration.ofMinutes(31));
        assertThat(user.post("/api/v1/test-meter/content_view", null).status()).isEqualTo(200);
    }
}
