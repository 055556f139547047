package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.keys.Scopes;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An organization with one object of each organization-scoped kind, made through the public APIs (an
 * app with a key holding every scope, a funded wallet, an end user, a paid purchase, a webhook endpoint
 * and source, an integration connection with a credential): the other tenant of the row-level security
 * and object-level authorization tests.
 */
public record TenantFixture(String organizationId, String appId, Api client, Ids ids) {

    /** What each id names; the object-level authorization test's paths name these in braces ({CONTENT}). */
    public enum Kind {
        WEBHOOK_ENDPOINT, WEBHOOK_EVENT, WEBHOOK_SOURCE, CONNECTION, PAYMENT, CONTENT, FEATURE, RESERVATION, JOB, SUBSCRIPTION, INVOICE,
        CATALOG_APP, GATEWAY_FEATURE, END_USER, IDENTITY, INBOUND_EVENT
    }

    /** The external user id (X-External-User-Id) each fixture's app has a subscription for. */
    public static final String EXTERNAL_USER = "fixture-player";

    /** The ids of its objects, for another organization's credentials to try, and its end user's token. */
    public record Ids(Map<Kind, String> byKind, String endUserToken) {
        public Ids {
            byKind = Map.copyOf(byKind);
        }

        public String of(Kind kind) {
            String id = byKind.get(kind);
            if (id == null) throw new IllegalArgumentException("the fixture made no " + kind);
            return id;
        }

        /** These ids and one more (an object a test made by other means). */
        public Ids with(Kind kind, String id) {
            Map<Kind, String> more = new EnumMap<>(byKind);
            more.put(kind, id);
            return new Ids(more, endUserToken);
        }

        public String webhookEndpoint() { return of(Kind.WEBHOOK_ENDPOINT); }
        public String webhookSource() { return of(Kind.WEBHOOK_SOURCE); }
        public String connection() { return of(Kind.CONNECTION); }
        public String payment() { return of(Kind.PAYMENT); }
    }

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
        Api.Res source = client.post("/api/v1/webhook-sources", Map.of("name", "Source", "scheme", "hmac_sha256_hex",
                "signature_header", "X-Tenant-Signature"));
        assertThat(source.status()).as(source.toString()).isEqualTo(201);
        String inboundEvent = receive(port, source.data().get("inbound_path").asString(), source.data().get("secret").asString());

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

        Map<Kind, String> ids = new EnumMap<>(Kind.class);
        ids.put(Kind.WEBHOOK_ENDPOINT, endpoint.data().get("id").asString());
        ids.put(Kind.WEBHOOK_SOURCE, source.data().get("id").asString());
        ids.put(Kind.CONNECTION, connectionId);
        ids.put(Kind.PAYMENT, paymentId);
        Api.Res me = client.with("X-User-Token", token).get("/api/v1/auth/me");
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        ids.put(Kind.END_USER, me.data().get("user").get("id").asString());
        ids.put(Kind.INBOUND_EVENT, inboundEvent);
        moreObjects(admin, org, app, client, ids);
        return new TenantFixture(org, app, client, new Ids(ids, token));
    }

    /** Content, a reservation, a media job, a subscription, an invoice, a catalog app's activation, a gateway feature, a webhook event. */
    private static void moreObjects(Api admin, String org, String app, Api client, Map<Kind, String> ids) {
        Api.Res content = admin.post("/api/external-apps/" + app + "/content", Map.of("title", "Item", "type", "video",
                "url", "https://cdn.example/item.mp4", "status", "published"));
        assertThat(content.status()).as(content.toString()).isEqualTo(201);
        ids.put(Kind.CONTENT, content.data().get("id").asString());

        String feature = "render_" + suffix();
        feature(admin, app, Map.of("feature_name", feature, "pricing_type", "credit", "credit_cost", 1));
        ids.put(Kind.FEATURE, feature);
        Api.Res reservation = client.post("/api/v1/features/" + feature + "/reservations", Map.of("units", 1, "ttl_seconds", 3600));
        assertThat(reservation.status()).as(reservation.toString()).isEqualTo(201);
        ids.put(Kind.RESERVATION, reservation.data().get("id").asString());

        feature(admin, app, Map.of("feature_name", "image_generation", "pricing_type", "credit", "credit_cost", 1));
        Api.Res job = client.post("/api/v1/media/generate/image", Map.of("prompt", "A tenant's sunset"));
        assertThat(job.status()).as(job.toString()).isIn(200, 201, 202);
        ids.put(Kind.JOB, job.data().has("job_id") ? job.data().get("job_id").asString() : job.data().get("id").asString());

        String gateway = "proxied_" + suffix();
        feature(admin, app, Map.of("feature_name", gateway, "pricing_type", "credit", "credit_cost", 1, "backend", "upstream",
                "upstream_url", "http://127.0.0.1:9/upstream", "timeout_seconds", 5));
        ids.put(Kind.GATEWAY_FEATURE, gateway);

        Api.Res subscription = client.with("X-External-User-Id", EXTERNAL_USER)
                .post("/api/v1/subscriptions", Map.of("plan_id", "pro", "payment_method", "sandbox", "sandbox_outcome", "pending"));
        assertThat(subscription.status()).as(subscription.toString()).isEqualTo(201);
        ids.put(Kind.SUBSCRIPTION, subscription.data().get("id").asString());

        Api.Res invoices = admin.post("/api/admin/invoices/generate", Map.of("period", YearMonth.now(ZoneOffset.UTC).toString(), "organization_id", org));
        assertThat(invoices.status()).as(invoices.toString()).isIn(200, 201);
        assertThat(invoices.data().size()).as(invoices.toString()).isPositive();
        ids.put(Kind.INVOICE, invoices.data().get(0).get("id").asString()); // a draft (this month's): its customer sees it once finalized

        String catalogApp = "tenant-" + suffix();
        Api.Res added = admin.post("/api/admin/catalog-apps", Map.of("id", catalogApp, "name", "Tenant widget", "category", "test",
                "token_cost", 1, "widget_url", "http://127.0.0.1:9/widget"));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        Api.Res activated = client.post("/api/v1/customer/apps/" + catalogApp + "/activate", Map.of());
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        ids.put(Kind.CATALOG_APP, catalogApp);

        Api.Res sent = client.post("/api/v1/webhook-endpoints/" + ids.get(Kind.WEBHOOK_ENDPOINT) + "/test", Map.of());
        assertThat(sent.status()).as(sent.toString()).isIn(200, 202);
        ids.put(Kind.WEBHOOK_EVENT, sent.data().get("event_id").asString());
    }

    /** An event the source received, signed as its sender signs (the hex HMAC-SHA256 of the body); its id. */
    private static String receive(int port, String inboundPath, String secret) {
        String body = "{\"id\": \"tenant-delivery-1\", \"event\": \"push\"}";
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String hex = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            Api.Res received = Api.at(port).with("X-Tenant-Signature", "sha256=" + hex).send("POST", inboundPath, body);
            assertThat(received.status()).as(received.toString()).isEqualTo(200);
            return received.data().get("id").asString();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void feature(Api admin, String app, Map<String, Object> body) {
        Api.Res res = admin.post("/api/external-apps/" + app + "/features", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }
}
