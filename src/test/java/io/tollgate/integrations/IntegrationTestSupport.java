package io.tollgate.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Helpers the integrations tests share: a provider of their own pointed at a local stub, and connections to it. */
final class IntegrationTestSupport {
    private IntegrationTestSupport() {}

    /** A bearer-token provider at {@code baseUrl} whose authentication check is GET /v1/me; its name is returned. */
    static String bearerProvider(Api admin, String baseUrl, List<Map<String, Object>> rules) {
        Map<String, Object> body = new LinkedHashMap<>();
        String name = "stub_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        body.put("provider_name", name);
        body.put("display_name", "Stub " + name);
        body.put("provider_type", "ai");
        body.put("base_url", baseUrl);
        body.put("auth_style", "bearer");
        body.put("auth_config", Map.of("token", "credential:api_key"));
        body.put("health_check_path", "/v1/me");
        body.put("health_ping_path", "/ping");
        body.put("health_error_rules", rules);
        body.put("configuration_schema", Map.of("type", "object", "additionalProperties", false, "properties",
                Map.of("region", Map.of("enum", List.of("eu", "us")), "account", Map.of("type", "string", "pattern", "^acct_[a-z0-9]+$"))));
        Api.Res res = admin.post("/api/admin/integrations/providers", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return name;
    }

    static JsonNode connect(Api admin, String org, String provider, Map<String, Object> extra) {
        return connect(admin, org, provider, extra, base(org));
    }

    static JsonNode connect(Api admin, String org, String provider, Map<String, Object> extra, String collection) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", provider);
        body.put("connection_name", "conn " + UUID.randomUUID().toString().substring(0, 6));
        body.putAll(extra);
        Api.Res res = admin.post(collection, body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    /**
     * A proxied call's log row is written just after its answer went out, so a client can see the answer first: wait
     * (at most 30 s) until the connection has at least {@code atLeast} proxy log rows.
     */
    static void awaitProxyLogs(org.springframework.jdbc.core.simple.JdbcClient jdbc, String connectionId, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (jdbc.sql("SELECT count(*) FROM integration_logs WHERE connection_id = ? AND source = 'proxy'").param(connectionId)
                .query(Long.class).single() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    static String base(String org) {
        return "/api/admin/organizations/" + org + "/integrations";
    }
}
