package io.tollgate.limits;

import static io.tollgate.limits.RateLimitTest.assertRateLimited;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Refill over time, bursts and per-user limits. Needs its own server (a clock the test moves, a
 * per-user limit, a small token_consumption burst), hence its own data directory.
 */
@TestPropertySource(properties = {
        "tollgate.data-dir=target/test-data/limits-${tollgate.test.fork:1}",
        "tollgate.limits.per-user-per-hour=2",
        "tollgate.limits.token-consumption.per-hour=3600",
        "tollgate.limits.token-consumption.burst=2",
        TestEndUserConfig.PROPERTY + "=true"})
class RateLimitRefillTest extends ApiTest {

    @TestConfiguration(proxyBeanMethods = false)
    static class ClockConfig {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }

    @Autowired
    MutableClock clock;

    @Test
    void aKeyRefillsGreedilyAfterItsWindow() {
        String appId = createApp();
        Api client = appClient(appId, createKey(appId, Map.of("rate_limit", 3)).get("key").asString());
        for (int i = 0; i < 3; i++) assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        Api.Res refused = client.get("/api/v1/app");
        assertRateLimited(refused, "key", 3);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));

        clock.advance(Duration.ofSeconds(retryAfter - 5));
        assertRateLimited(client.get("/api/v1/app"), "key", 3);
        clock.advance(Duration.ofSeconds(5));
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        assertRateLimited(client.get("/api/v1/app"), "key", 3);

        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        assertRateLimited(client.get("/api/v1/app"), "key", 3);
    }

    @Test
    void aClassBurstIsSpentAtOnceAndRefillsAtTheHourlyRate() {
        String org = createOrganization();
        Api a = appClient(createApp(org, "active"));
        Api b = appClient(createApp(org, "active"));
        assertThat(a.get(LimitProbeController.TOKENS).status()).isEqualTo(200);
        assertThat(b.get(LimitProbeController.TOKENS).status()).isEqualTo(200);
        Api.Res refused = a.get(LimitProbeController.TOKENS);
        assertRateLimited(refused, "organization", 3600);
        JsonNode details = refused.json().get("error").get("details");
        assertThat(details.get("burst").asLong()).isEqualTo(2);
        assertThat(details.get("endpoint_class").asString()).isEqualTo("token_consumption");
        assertThat(refused.header("RateLimit-Limit")).isEqualTo("2");
        assertThat(refused.header("Retry-After")).isEqualTo("1");

        clock.advance(Duration.ofSeconds(1));
        assertThat(b.get(LimitProbeController.TOKENS).status()).isEqualTo(200);
        assertRateLimited(b.get(LimitProbeController.TOKENS), "organization", 3600);
        assertThat(appClient(createApp()).get(LimitProbeController.TOKENS).status()).isEqualTo(200);
    }

    @Test
    void anEndUserHasALimitOfTheirOwnWhenConfigured() {
        String appId = createApp();
        Api app = appClient(appId);
        String alice = "usr_" + UUID.randomUUID();
        Api asAlice = app.with(TestEndUserConfig.HEADER, alice);
        Api.Res first = asAlice.get("/api/v1/app");
        assertThat(first.status()).isEqualTo(200);
        // The user's bucket (2) is tighter than the key's (1000), so it is the one reported.
        assertThat(first.header("RateLimit-Limit")).isEqualTo("2");
        assertThat(first.header("RateLimit-Remaining")).isEqualTo("1");
        JsonNode user = asAlice.get("/api/v1/limits").data().get("user");
        assertThat(user.get("id").asString()).isEqualTo(alice);
        assertThat(user.get("remaining").asLong()).isZero();

        Api.Res refused = asAlice.get("/api/v1/app");
        assertRateLimited(refused, "user", 2);
        assertThat(refused.json().get("error").get("message").asString()).contains("end user");

        // Another user of the same key, and calls naming no user, are unaffected.
        assertThat(app.with(TestEndUserConfig.HEADER, "usr_" + UUID.randomUUID()).get("/api/v1/app").status()).isEqualTo(200);
        assertThat(app.get("/api/v1/app").status()).isEqualTo(200);
        // The refused call did not spend the key's tokens: 2 (alice) + 1 (bob) + 1 (no user) = 4 spent.
        assertThat(app.get("/api/v1/limits").data().get("key").get("remaining").asLong()).isEqualTo(1000 - 5);

        clock.advance(Duration.ofMinutes(30));
        assertThat(asAlice.get("/api/v1/app").status()).isEqualTo(200);
    }
}
