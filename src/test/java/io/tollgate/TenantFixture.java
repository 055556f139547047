package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.keys.Scopes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An organization with one object of each organization-scoped kind, made through the public APIs (an
 * app with a key holding every scope, a funded wallet, an end user, a paid purchase, a webhook endpoint
 * and source, an integration connection with a credential): the other tenant of the row-level security
 * and object-level authorization tests.
 */
public record TenantFixture(String organizationId, String appId, Api client, Ids ids) {

    /** The ids of its objects, for another organization's credentials to try. */
    public record Ids(String webhookEndpoint, String webhookSource, String connection, String payment, String endUserToken) {}

    public static TenantFixture create(Api admin, int port) {
        String org = admin.post("/api/admin/organizations", Map.of("name", "Tenant " + UUID.randomUUID())).data().get("id").asString();
        Api.Res appRes = admin.post("/api/external-apps", Map.of("organization_id", org, "name", "App", "app_type", "api",
                "app_identifier", "com.tenant." + UUID.randomUUID().toString().substring(0, 8), "status", "active"));
        assertThat(appRes.status()).as(appRes.toString()).isEqualTo(201);
        String app = appRes.data().get("id").asString();
        Api.Res key = admin.post("/api/external-apps/" + app + "/api-keys", Map.of("scopes", List.copyOf(Scopes.ALL), "environment", "test"));
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        Api client = Api.at(port).bearer(key.data().get("key").asString()).with("X-App-Id", app);

        String wallet = admin.get("/api/admin/organizations/" + org + "/wallet").data().get("id").asString();
        assertThat(admin.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", 500, "reason", "fixture")).status()).isEqualTo(201);

        Api.Res user = client.post("/api/v1/auth/register", Map.of("email", "u" + UUID.randomUUID().toString().substring(0, 8) + "@example.com",
                "password", "correct-horse-battery-9"));
        assertThat(user.status()).as(user.toString()).isIn(200, 201);
        String token = user.data().has("access_token") ? user.data().get("access_token").asString()
                : user.data().path("tokens").path("access_token").asString();

        Api.Res payment = client.with("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox", "currency", "USD"));
        assertThat(payment.status()).as(payment.toString()).isIn(200, 201);
        String paymentId = payment.data().has("payment_id") ? payment.data().get("payment_id").asString() : payment.data().get("id").asString();

        Api.Res endpoint = client.post("/api/v1/webhook-endpoints", Map.of("url", "http://127.0.0.1:9/hook", "event_types", List.of("payment.*")));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        Api.Res source = client.post("/api/v1/webhook-sources", Map.of("name", "Source", "scheme", "hmac_sha256_hex"));
        assertThat(source.status()).as(source.toString()).isEqualTo(201);

        Map<String, Object> provider = new LinkedHashMap<>();
        String name = "tenant_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        provider.put("provider_name", name);
        provider.put("display_name", "Tenant provider");
        provider.put("provider_type", "ai");
        provider.put("base_url", "http://127.0.0.1:9");
        provider.put("auth_style", "bearer");
        provider.put("auth_config", Map.of("token", "credential:api_key"));
        Api.Res created = admin.post("/api/admin/integrations/providers", provider);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Api.Res connection = client.post("/api/v1/integrations", Map.of("provider", name, "connection_name", "Mine"));
        assertThat(connection.status()).as(connection.toString()).isEqualTo(201);
        String connectionId = connection.data().get("id").asString();
        Api.Res credential = client.put("/api/v1/integrations/" + connectionId + "/credentials/api_key", Map.of("value", "sk_tenant_secret_1"));
        assertThat(credential.status()).as(credential.toString()).isIn(200, 201);

        return new TenantFixture(org, app, client, new Ids(endpoint.data().get("id").asString(), source.data().get("id").asString(), connectionId,
                paymentId, token));
    }
}
