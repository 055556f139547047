package io.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/** Rate limits with the default settings, in the shared test server. */
class RateLimitTest extends ApiTest {
    @Value("${tollgate.limits.activation.per-hour}")
    int activationPerHour;
    @Value("${tollgate.limits.billing.per-hour}")
    int billingPerHour;
    @Value("${tollgate.limits.token-consumption.burst}")
    int tokenBurst;

    static void assertRateLimited(Api.Res res, String scope, long limit) {
        assertThat(res.status()).as(res.toString()).isEqualTo(429);
        assertThat(res.errorCode()).isEqualTo("RATE_LIMITED");
        JsonNode details = res.json().get("error").get("details");
        assertThat(details.get("scope").asString()).isEqualTo(scope);
        assertThat(details.get("limit").asLong()).isEqualTo(limit);
        assertThat(details.get("reset_seconds").asLong()).isPositive();
        assertThat(Long.parseLong(res.header("Retry-After"))).isGreaterThanOrEqualTo(1)
                .isEqualTo(details.get("retry_after_seconds").asLong());
        assertThat(res.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(res.header("RateLimit-Limit")).isNotNull();
        assertThat(res.header("RateLimit-Reset")).isEqualTo(details.get("reset_seconds").asString());
    }

    @Test
    void keyGetsItsRateLimitThen429AndOtherKeysAreUnaffected() {
        String appId = createApp();
        Api limited = appClient(appId, createKey(appId, Map.of("rate_limit", 3)).get("key").asString());
        Api sibling = appClient(appId);
        for (int i = 0; i < 3; i++) {
            Api.Res res = limited.get("/api/v1/app");
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            assertThat(res.header("RateLimit-Limit")).isEqualTo("3");
            assertThat(res.header("RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
            assertThat(Long.parseLong(res.header("RateLimit-Reset"))).isBetween(1L, 3_600L);
        }
        Api.Res refused = limited.get("/api/v1/app");
        assertRateLimited(refused, "key", 3);
        assertThat(refused.json().get("error").get("message").asString()).contains("API key").contains("3 requests per hour");
        // Greedy refill: one token every 20 minutes, not a wait for the whole hour.
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1_000L, 1_200L);
        assertThat(refused.header("RateLimit-Limit")).isEqualTo("3");
        assertThat(limited.get("/api/v1/app").status()).isEqualTo(429);

        Api.Res other = sibling.get("/api/v1/app");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("RateLimit-Limit")).isEqualTo("1000");
        assertThat(other.header("RateLimit-Remaining")).isEqualTo("999");
    }

    @Test
    void endpointClassLimitIsPerOrganizationAcrossItsApps() {
        String org = createOrganization();
        String appA = createApp(org, "active");
        String appB = createApp(org, "active");
        Api a = appClient(appA);
        Api b = appClient(appB, createKey(appB, Map.of("rate_limit", 100)).get("key").asString());
        for (int i = 0; i < activationPerHour; i++) {
            Api.Res res = (i % 2 == 0 ? a : b).get(LimitProbeController.ACTIVATION);
            assertThat(res.status()).as("call %d: %s", i, res).isEqualTo(200);
        }
        Api.Res refused = b.get(LimitProbeController.ACTIVATION);
        assertRateLimited(refused, "organization", activationPerHour);
        assertThat(refused.json().get("error").get("details").get("endpoint_class").asString()).isEqualTo("activation");
        assertThat(refused.json().get("error").get("message").asString()).contains("organization").contains("activation");
        assertRateLimited(a.get(LimitProbeController.ACTIVATION), "organization", activationPerHour);

        // Other classes and unclassed endpoints of the same organization still answer…
        assertThat(a.get(LimitProbeController.BILLING).status()).isEqualTo(200);
        // …and the refused calls spent none of the key's own budget (b: 5 passed + this call).
        JsonNode limits = b.get("/api/v1/limits").data();
        assertThat(limits.get("key").get("remaining").asLong()).isEqualTo(100 - activationPerHour / 2 - 1);
        assertThat(limits.get("organization").get("endpoint_classes").get("activation").get("remaining").asLong()).isZero();

        // Another organization has its own budget.
        assertThat(appClient(createApp()).get(LimitProbeController.ACTIVATION).status()).isEqualTo(200);
    }

    @Test
    void headersReportTheMostRestrictiveBucketAndClassComesFromMethodOrController() {
        Api client = appClient(createApp());
        Api.Res billing = client.get(LimitProbeController.BILLING);
        assertThat(billing.status()).isEqualTo(200);
        assertThat(billing.header("RateLimit-Limit")).isEqualTo(Integer.toString(billingPerHour));
        assertThat(billing.header("RateLimit-Remaining")).isEqualTo(Integer.toString(billingPerHour - 1));

        Api.Res tokens = client.get(LimitProbeController.TOKENS);
        assertThat(tokens.header("RateLimit-Limit")).isEqualTo(Integer.toString(tokenBurst));
        assertThat(tokens.header("RateLimit-Remaining")).isEqualTo(Integer.toString(tokenBurst - 1));

        Api.Res plain = client.get("/api/v1/app");
        assertThat(plain.header("RateLimit-Limit")).isEqualTo("1000");
        assertThat(plain.header("RateLimit-Remaining")).isEqualTo("997");

        JsonNode classes = client.get("/api/v1/limits").data().get("organization").get("endpoint_classes");
        assertThat(classes.get("billing").get("remaining").asLong()).isEqualTo(billingPerHour - 1);
        assertThat(classes.get("activation").get("remaining").asLong()).isEqualTo(activationPerHour);
        assertThat(classes.get("token_consumption").get("burst").asLong()).isEqualTo(tokenBurst);
    }

    @Test
    void editingAKeysRateLimitTakesEffectOnTheNextCall() {
        String appId = createApp();
        JsonNode key = createKey(appId, Map.of("rate_limit", 2));
        Api client = appClient(appId, key.get("key").asString());
        String path = "/api/external-apps/" + appId + "/api-keys/" + key.get("id").asString();
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        assertRateLimited(client.get("/api/v1/app"), "key", 2);

        // Raised from 2 to 4 with 2 spent: 2 are left.
        assertThat(admin.put(path, Map.of("rate_limit", 4)).status()).isEqualTo(200);
        Api.Res raised = client.get("/api/v1/app");
        assertThat(raised.status()).as(raised.toString()).isEqualTo(200);
        assertThat(raised.header("RateLimit-Limit")).isEqualTo("4");
        assertThat(raised.header("RateLimit-Remaining")).isEqualTo("1");
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        assertRateLimited(client.get("/api/v1/app"), "key", 4);

        // Lowered below what is left: never more than the new limit.
        JsonNode roomy = createKey(appId, Map.of("rate_limit", 10));
        Api second = appClient(appId, roomy.get("key").asString());
        assertThat(second.get("/api/v1/app").header("RateLimit-Remaining")).isEqualTo("9");
        admin.put("/api/external-apps/" + appId + "/api-keys/" + roomy.get("id").asString(), Map.of("rate_limit", 3));
        Api.Res lowered = second.get("/api/v1/app");
        assertThat(lowered.header("RateLimit-Limit")).isEqualTo("3");
        assertThat(lowered.header("RateLimit-Remaining")).isEqualTo("2");
    }

    @Test
    void limitsEndpointShowsTheCallersBudgets() {
        String org = createOrganization();
        String appId = createApp(org, "active");
        JsonNode key = createKey(appId, Map.of("rate_limit", 50, "scopes", java.util.List.of("content:read", "users:impersonate")));
        Api client = appClient(appId, key.get("key").asString());
        Api.Res res = client.with("X-External-User-Id", "limits-default").get("/api/v1/limits");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode data = res.data();
        assertThat(data.get("key").get("id").asString()).isEqualTo(key.get("id").asString());
        assertThat(data.get("key").get("limit").asLong()).isEqualTo(50);
        assertThat(data.get("key").get("burst").asLong()).isEqualTo(50);
        assertThat(data.get("key").get("remaining").asLong()).isEqualTo(49);
        assertThat(data.get("key").get("reset_seconds").asLong()).isBetween(1L, 72L);
        assertThat(data.get("organization").get("id").asString()).isEqualTo(org);
        assertThat(data.get("organization").get("endpoint_classes").propertyNames())
                .containsExactly("apps_api", "activation", "token_consumption", "billing");
        JsonNode activation = data.get("organization").get("endpoint_classes").get("activation");
        assertThat(activation.get("limit").asLong()).isEqualTo(activationPerHour);
        assertThat(activation.has("id")).isFalse();
        // Per-user limits are off unless TOLLGATE_RATE_LIMIT_PER_USER_PER_HOUR is set.
        assertThat(data.get("user").isNull()).isTrue();
        assertThat(res.header("RateLimit-Remaining")).isEqualTo("49");
    }

    @Test
    void theTestOnlyEndUserHeaderIsOffUnlessATestTurnsItOn() {
        String appId = createApp();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "probe", "pricing_type", "free"));
        Api.Res res = appClient(appId).with(TestEndUserConfig.HEADER, "usr_impostor").post("/api/v1/test-meter/probe", null);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ? AND end_user_id IS NULL").param(appId)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void openApiDocumentsTheLimitsEndpointAndThe429() {
        JsonNode paths = anonymous.get("/v3/api-docs", Api.SLOW).json().get("paths");
        JsonNode limits = paths.get("/api/v1/limits").get("get");
        assertThat(limits.get("tags").get(0).asString()).isEqualTo("App API: limits");
        assertThat(limits.get("responses").has("429")).isTrue();
        assertThat(paths.get("/api/v1/app").get("get").get("responses").get("429").get("headers").has("Retry-After")).isTrue();
        assertThat(paths.get("/api/external-apps").get("get").get("responses").has("429")).isFalse();
    }
}
