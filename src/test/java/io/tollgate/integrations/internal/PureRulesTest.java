package io.tollgate.integrations.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.integrations.AuthStyle;
import io.tollgate.integrations.HealthCheckType;
import io.tollgate.integrations.HealthStatus;
import io.tollgate.integrations.LimitType;
import io.tollgate.integrations.Provider;
import io.tollgate.integrations.ProviderType;
import io.tollgate.platform.ApiException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The module's pure decisions: redaction, body rules, health verdicts, rate windows, credential injection. */
class PureRulesTest {

    @Test
    void redactionDropsUnlistedHeadersAndScrubsBodies() {
        Map<String, String> headers = Redaction.headers(Map.of("Content-Type", List.of("application/json"), "Authorization", List.of("Bearer abc"),
                "Set-Cookie", List.of("s=1")), Set.of("content-type"), List.of());
        assertThat(headers).containsOnlyKeys("content-type");
        Object body = Redaction.body(("{\"user\":\"ada\",\"client_secret\":\"xyz\",\"nested\":{\"api_key\":\"k\",\"note\":\"my known-secret-123 here\"},"
                + "\"jwt\":\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\",\"shipping\":\"ground\"}")
                .getBytes(StandardCharsets.UTF_8), 4096, List.of("known-secret-123"));
        String text = body.toString();
        assertThat(text).contains("ada").contains("ground").doesNotContain("xyz").doesNotContain("known-secret-123").doesNotContain("eyJhbGci");
        assertThat(Redaction.text("grant_type=refresh_token&refresh_token=rt-abc&client_secret=s3cr3t", List.of()))
                .doesNotContain("rt-abc").doesNotContain("s3cr3t").contains("grant_type=refresh_token");
        assertThat(Redaction.text("key sk_live_ABCDEFGHIJKLMNOP and Bearer abcdefghijk", List.of())).doesNotContain("sk_live_ABCDEFGH").doesNotContain("abcdefghijk");
        Object cut = Redaction.body("é".repeat(100).getBytes(StandardCharsets.UTF_8), 11, List.of());
        assertThat(cut.toString()).startsWith("ééééé").contains("truncated").doesNotContain("\uFFFD");
        assertThat(Redaction.body(new byte[0], 100, List.of())).isNull();
    }

    @Test
    void bodyRulesFindErrorsInsideSuccessfulAnswers() {
        List<Map<String, Object>> aramex = List.of(Map.of("pointer", "/HasErrors", "equals", true, "message_pointer", "/Notifications/0/Message"));
        assertThat(BodyRules.firstError(aramex, "{\"HasErrors\":true,\"Notifications\":[{\"Message\":\"Invalid\"}]}".getBytes())).hasValueSatisfying(m -> assertThat(m).contains("Invalid"));
        assertThat(BodyRules.firstError(aramex, "{\"HasErrors\":false}".getBytes())).isEmpty();
        List<Map<String, Object>> tiktok = List.of(Map.of("pointer", "/error/code", "not_equals", "ok"));
        assertThat(BodyRules.firstError(tiktok, "{\"error\":{\"code\":\"ok\"}}".getBytes())).isEmpty();
        assertThat(BodyRules.firstError(tiktok, "{\"error\":{\"code\":\"access_token_invalid\"}}".getBytes())).isPresent();
        assertThat(BodyRules.firstError(tiktok, "{\"data\":{}}".getBytes())).as("absent: not an error").isEmpty();
        List<Map<String, Object>> present = List.of(Map.of("pointer", "/error", "present", true));
        assertThat(BodyRules.firstError(present, "{\"error\":{\"message\":\"x\"}}".getBytes())).isPresent();
        assertThat(BodyRules.firstError(present, "not json".getBytes())).isEmpty();
    }

    @Test
    void healthVerdicts() {
        assertThat(HealthJudge.judge(HealthCheckType.PING, 401, null, null, 10, 2000).status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(HealthJudge.judge(HealthCheckType.PING, 502, null, null, 10, 2000).status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(HealthJudge.judge(HealthCheckType.AUTHENTICATION, 403, null, null, 10, 2000).status()).isEqualTo(HealthStatus.DOWN);
        assertThat(HealthJudge.judge(HealthCheckType.AUTHENTICATION, 404, null, null, 10, 2000).status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(HealthJudge.judge(HealthCheckType.AUTHENTICATION, 429, null, null, 10, 2000).status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(HealthJudge.judge(HealthCheckType.API_CALL, 404, null, null, 10, 2000).status()).isEqualTo(HealthStatus.DOWN);
        assertThat(HealthJudge.judge(HealthCheckType.API_CALL, 200, null, "error in body", 10, 2000).status()).isEqualTo(HealthStatus.DOWN);
        assertThat(HealthJudge.judge(HealthCheckType.API_CALL, 200, null, null, 2500, 2000).status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(HealthJudge.judge(HealthCheckType.API_CALL, null, "timeout", null, 20000, 2000).status()).isEqualTo(HealthStatus.DOWN);
    }

    @Test
    void rateWindowsAreCalendarWindowsInUtc() {
        Instant t = Instant.parse("2026-02-28T23:59:30Z");
        assertThat(RateWindows.window(LimitType.PER_MINUTE, t)).isEqualTo(new RateWindows.Window(Instant.parse("2026-02-28T23:59:00Z"), Instant.parse("2026-03-01T00:00:00Z")));
        assertThat(RateWindows.window(LimitType.PER_MONTH, t).end()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        RateWindows.Decision first = RateWindows.decide(LimitType.PER_HOUR, 2, 0, null, t);
        assertThat(first.allowed()).isTrue();
        assertThat(first.usage()).isEqualTo(1);
        assertThat(RateWindows.decide(LimitType.PER_HOUR, 2, 2, first.windowEnd(), t).allowed()).isFalse();
        // A new window counts from zero.
        assertThat(RateWindows.decide(LimitType.PER_HOUR, 2, 2, first.windowEnd(), first.windowEnd()).usage()).isEqualTo(1);
    }

    @Test
    void credentialsGoWhereTheProviderWantsThemAndPathsStayOnTheBaseHost() {
        Provider twilio = provider(AuthStyle.BASIC, "https://api.twilio.com", Map.of("username", "config:account_sid", "password", "credential:auth_token"));
        Map<String, Object> config = Map.of("account_sid", "AC123");
        URI target = AuthInjection.target(twilio, config, "/2010-04-01/Accounts/{account_sid}.json");
        assertThat(target.toString()).isEqualTo("https://api.twilio.com/2010-04-01/Accounts/AC123.json");
        OutboundCall call = AuthInjection.inject(twilio, config, Map.of("auth_token", "tok"), null, new OutboundCall("GET", target, Map.of(), null));
        assertThat(call.header("Authorization")).isEqualTo(AuthInjection.basic("AC123", "tok"));
        Provider ga4 = provider(AuthStyle.QUERY, "https://www.google-analytics.com", Map.of("params", Map.of("api_secret", "credential:api_secret")));
        OutboundCall q = AuthInjection.inject(ga4, Map.of(), Map.of("api_secret", "s&1"), null,
                new OutboundCall("POST", URI.create("https://www.google-analytics.com/mp/collect?x=1"), Map.of(), null));
        assertThat(q.uri().getRawQuery()).isEqualTo("x=1&api_secret=s%261");
        Provider aramex = provider(AuthStyle.JSON_BODY, "https://ws.aramex.net", Map.of("object_key", "ClientInfo", "fields",
                Map.of("UserName", "config:username", "Password", "credential:password", "Source", 24)));
        OutboundCall body = AuthInjection.inject(aramex, Map.of("username", "u"), Map.of("password", "p"), null,
                new OutboundCall("POST", URI.create("https://ws.aramex.net/x"), Map.of(), "{\"Shipments\":[\"1\"]}".getBytes()));
        assertThat(new String(body.body())).contains("\"ClientInfo\":{").contains("\"Password\":\"p\"").contains("\"Source\":24").contains("Shipments");
        // A configuration value is one path segment, encoded: it cannot climb out or change the host.
        assertThat(AuthInjection.target(twilio, Map.of("account_sid", "../../evil"), "/a/{account_sid}").toString())
                .isEqualTo("https://api.twilio.com/a/..%2F..%2Fevil");
        assertThat(AuthInjection.target(twilio, Map.of("account_sid", "@evil.example"), "/{account_sid}").getHost()).isEqualTo("api.twilio.com");
        assertThatThrownBy(() -> AuthInjection.target(twilio, Map.of(), "/a/{account_sid}")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> AuthInjection.inject(twilio, config, Map.of(), null, call)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo("CONNECTION_INCOMPLETE"));
    }

    private static Provider provider(AuthStyle style, String base, Map<String, Object> auth) {
        return new Provider("prv_x", "x", "X", ProviderType.AI, null, null, null, null, true, false, List.of(), null, Map.of(), base, style, auth,
                List.of(), "/", null, "GET", null, List.of(), null, null, null, true, List.of(), Instant.EPOCH, Instant.EPOCH);
    }
}
