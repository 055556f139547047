package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * OWASP API1:2023 (broken object-level authorization), table-driven: every organization-scoped endpoint
 * that takes an object's id, called with organization A's credentials and organization B's ids, answers
 * 404 — as if B's object did not exist — and B's objects are untouched afterwards. Each row of the table
 * is one endpoint; a new endpoint with an id in its path belongs here.
 */
class ObjectLevelAuthorizationTest extends ApiTest {

    record Endpoint(String method, String path, Function<TenantFixture.Ids, String> id, Object body) {
        String url(TenantFixture.Ids ids) {
            return path.replace("{id}", id.apply(ids));
        }
    }

    private static Endpoint get(String path, Function<TenantFixture.Ids, String> id) { return new Endpoint("GET", path, id, null); }
    private static Endpoint post(String path, Function<TenantFixture.Ids, String> id, Object body) { return new Endpoint("POST", path, id, body); }
    private static Endpoint put(String path, Function<TenantFixture.Ids, String> id, Object body) { return new Endpoint("PUT", path, id, body); }
    private static Endpoint delete(String path, Function<TenantFixture.Ids, String> id) { return new Endpoint("DELETE", path, id, null); }

    static final List<Endpoint> ENDPOINTS = List.of(
            // payments
            get("/api/v1/payments/status/{id}", TenantFixture.Ids::payment),
            // outbound webhook endpoints
            get("/api/v1/webhook-endpoints/{id}", TenantFixture.Ids::webhookEndpoint),
            put("/api/v1/webhook-endpoints/{id}", TenantFixture.Ids::webhookEndpoint, Map.of("url", "http://127.0.0.1:9/other", "event_types", List.of("payment.*"))),
            post("/api/v1/webhook-endpoints/{id}/rotate-secret", TenantFixture.Ids::webhookEndpoint, Map.of()),
            post("/api/v1/webhook-endpoints/{id}/test", TenantFixture.Ids::webhookEndpoint, Map.of()),
            get("/api/v1/webhook-endpoints/{id}/deliveries", TenantFixture.Ids::webhookEndpoint),
            post("/api/v1/webhook-endpoints/{id}/recover", TenantFixture.Ids::webhookEndpoint, Map.of("since", "2026-01-01T00:00:00Z")),
            get("/api/v1/webhook-endpoints/{id}/attempts", TenantFixture.Ids::webhookEndpoint),
            get("/api/v1/webhook-endpoints/{id}/stats", TenantFixture.Ids::webhookEndpoint),
            delete("/api/v1/webhook-endpoints/{id}", TenantFixture.Ids::webhookEndpoint),
            // inbound webhook sources
            get("/api/v1/webhook-sources/{id}", TenantFixture.Ids::webhookSource),
            put("/api/v1/webhook-sources/{id}", TenantFixture.Ids::webhookSource, Map.of("name", "Taken")),
            get("/api/v1/webhook-sources/{id}/events", TenantFixture.Ids::webhookSource),
            delete("/api/v1/webhook-sources/{id}", TenantFixture.Ids::webhookSource),
            // integration connections
            get("/api/v1/integrations/{id}", TenantFixture.Ids::connection),
            put("/api/v1/integrations/{id}", TenantFixture.Ids::connection, Map.of("connection_name", "Taken")),
            post("/api/v1/integrations/{id}/activate", TenantFixture.Ids::connection, Map.of()),
            post("/api/v1/integrations/{id}/deactivate", TenantFixture.Ids::connection, Map.of()),
            get("/api/v1/integrations/{id}/credentials", TenantFixture.Ids::connection),
            put("/api/v1/integrations/{id}/credentials/api_key", TenantFixture.Ids::connection, Map.of("value", "sk_attacker_1")),
            delete("/api/v1/integrations/{id}/credentials/api_key", TenantFixture.Ids::connection),
            get("/api/v1/integrations/{id}/settings", TenantFixture.Ids::connection),
            put("/api/v1/integrations/{id}/settings", TenantFixture.Ids::connection, Map.of("account_id", "acct_x")),
            get("/api/v1/integrations/{id}/rate-limits", TenantFixture.Ids::connection),
            put("/api/v1/integrations/{id}/rate-limits", TenantFixture.Ids::connection, Map.of("limits", List.of())),
            post("/api/v1/integrations/{id}/health-checks", TenantFixture.Ids::connection, Map.of()),
            get("/api/v1/integrations/{id}/health", TenantFixture.Ids::connection),
            get("/api/v1/integrations/{id}/logs", TenantFixture.Ids::connection),
            get("/api/v1/integrations/{id}/analytics", TenantFixture.Ids::connection),
            post("/api/v1/integrations/{id}/oauth/authorize", TenantFixture.Ids::connection, Map.of()),
            delete("/api/v1/integrations/{id}", TenantFixture.Ids::connection));

    @Test
    void organizationAsCredentialsWithOrganizationBsIdsAnswer404AndTouchNothing() {
        TenantFixture a = TenantFixture.create(admin, port);
        TenantFixture b = TenantFixture.create(admin, port);
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            Api.Res res = a.client().with("Idempotency-Key", java.util.UUID.randomUUID().toString()).send(e.method(), e.url(b.ids()), e.body());
            if (res.status() != 404) wrong.add(e.method() + " " + e.path() + " → " + res.status() + " " + res.text());
        }
        assertThat(wrong).as("endpoints that did not answer 404 to another organization's id").isEmpty();

        // B's objects are all still there, unchanged, for B.
        assertThat(b.client().get("/api/v1/webhook-endpoints/" + b.ids().webhookEndpoint()).data().get("url").asString()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(b.client().get("/api/v1/webhook-sources/" + b.ids().webhookSource()).data().get("name").asString()).isEqualTo("Source");
        Api.Res connection = b.client().get("/api/v1/integrations/" + b.ids().connection());
        assertThat(connection.status()).as(connection.toString()).isEqualTo(200);
        assertThat(connection.text()).contains("\"Mine\"");
        assertThat(b.client().get("/api/v1/integrations/" + b.ids().connection() + "/credentials").text()).contains("api_key");
        assertThat(b.client().get("/api/v1/payments/status/" + b.ids().payment()).status()).isEqualTo(200);
        // And each table row is a real endpoint: with B's own credentials the same id is found (a 409 such as
        // "no typed settings for this provider type" is an answer about the object, not its absence).
        for (Endpoint e : ENDPOINTS.stream().filter(x -> x.method().equals("GET")).toList()) {
            Api.Res own = b.client().get(e.url(b.ids()));
            assertThat(own.status()).as(e.path() + " for its own organization: " + own).isIn(200, 409);
        }
    }
}
