package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.TenantFixture.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * OWASP API1:2023 (broken object-level authorization), table-driven: every organization-scoped endpoint
 * that takes an object's id (or a name only its organization gave, such as a feature's), called with
 * organization A's credentials and organization B's ids, answers 404 — as if B's object did not exist —
 * and B's objects are untouched afterwards. Each row of the table is one endpoint; its path names the
 * kind of each id in braces ({CONTENT}); a new endpoint with an id in its path belongs here.
 */
class ObjectLevelAuthorizationTest extends ApiTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Z_]+)}");

    /** Who calls, besides the app's key: nobody else, the organization's own end user by token, or an end user by external id. */
    enum As { APP, USER_TOKEN, EXTERNAL_USER }

    record Endpoint(String method, String path, Object body, As as) {
        String url(TenantFixture.Ids ids) {
            Matcher m = PLACEHOLDER.matcher(path);
            StringBuilder url = new StringBuilder();
            while (m.find()) m.appendReplacement(url, Matcher.quoteReplacement(ids.of(Kind.valueOf(m.group(1)))));
            return m.appendTail(url).toString();
        }

        /** The caller's client with the end user this row acts as, that user being the caller's own. */
        Api client(TenantFixture caller) {
            Api client = caller.client().with("Idempotency-Key", UUID.randomUUID().toString());
            return switch (as) {
                case APP -> client;
                case USER_TOKEN -> client.with("X-User-Token", caller.ids().endUserToken());
                case EXTERNAL_USER -> client.with("X-External-User-Id", TenantFixture.EXTERNAL_USER);
            };
        }

        Endpoint as(As who) {
            return new Endpoint(method, path, body, who);
        }
    }

    private static Endpoint get(String path) { return new Endpoint("GET", path, null, As.APP); }
    private static Endpoint post(String path, Object body) { return new Endpoint("POST", path, body, As.APP); }
    private static Endpoint put(String path, Object body) { return new Endpoint("PUT", path, body, As.APP); }
    private static Endpoint patch(String path, Object body) { return new Endpoint("PATCH", path, body, As.APP); }
    private static Endpoint delete(String path) { return new Endpoint("DELETE", path, null, As.APP); }

    static final List<Endpoint> ENDPOINTS = List.of(
            // payments
            get("/api/v1/payments/status/{PAYMENT}"),
            // outbound webhook endpoints and their deliveries
            get("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}"),
            put("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}", Map.of("url", "http://127.0.0.1:9/other", "event_types", List.of("payment.*"))),
            post("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}/rotate-secret", Map.of()),
            post("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}/test", Map.of()),
            get("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}/deliveries"),
            get("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}/deliveries/{WEBHOOK_EVENT}"),
            post("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}/deliveries/{WEBHOOK_EVENT}/resend", Map.of()),
            post("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}/recover", Map.of("since", "2026-01-01T00:00:00Z")),
            get("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}/attempts"),
            get("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}/stats"),
            delete("/api/v1/webhook-endpoints/{WEBHOOK_ENDPOINT}"),
            // inbound webhook sources
            get("/api/v1/webhook-sources/{WEBHOOK_SOURCE}"),
            put("/api/v1/webhook-sources/{WEBHOOK_SOURCE}", Map.of("name", "Taken")),
            get("/api/v1/webhook-sources/{WEBHOOK_SOURCE}/events"),
            get("/api/v1/webhook-sources/{WEBHOOK_SOURCE}/events/{INBOUND_EVENT}"),
            post("/api/v1/webhook-sources/{WEBHOOK_SOURCE}/events/{INBOUND_EVENT}/retry", Map.of()),
            delete("/api/v1/webhook-sources/{WEBHOOK_SOURCE}"),
            // integration connections, and calls through them
            get("/api/v1/integrations/{CONNECTION}"),
            put("/api/v1/integrations/{CONNECTION}", Map.of("connection_name", "Taken")),
            post("/api/v1/integrations/{CONNECTION}/activate", Map.of()),
            post("/api/v1/integrations/{CONNECTION}/deactivate", Map.of()),
            get("/api/v1/integrations/{CONNECTION}/credentials"),
            put("/api/v1/integrations/{CONNECTION}/credentials/api_key", Map.of("value", "sk_attacker_1")),
            delete("/api/v1/integrations/{CONNECTION}/credentials/api_key"),
            get("/api/v1/integrations/{CONNECTION}/settings"),
            put("/api/v1/integrations/{CONNECTION}/settings", Map.of("account_id", "acct_x")),
            get("/api/v1/integrations/{CONNECTION}/rate-limits"),
            put("/api/v1/integrations/{CONNECTION}/rate-limits", Map.of("limits", List.of())),
            post("/api/v1/integrations/{CONNECTION}/health-checks", Map.of()),
            get("/api/v1/integrations/{CONNECTION}/health"),
            get("/api/v1/integrations/{CONNECTION}/logs"),
            get("/api/v1/integrations/{CONNECTION}/analytics"),
            post("/api/v1/integrations/{CONNECTION}/oauth/authorize", Map.of()),
            get("/api/v1/integrations/{CONNECTION}/proxy/v1/models"),
            post("/api/v1/integrations/{CONNECTION}/proxy/v1/run", Map.of("input", "x")),
            delete("/api/v1/integrations/{CONNECTION}"),
            // content
            get("/api/v1/content/{CONTENT}"),
            post("/api/v1/content/{CONTENT}/view", Map.of()),
            post("/api/v1/content/{CONTENT}/download", Map.of()),
            // features (by the name B's app gave them), reservations and the gateway's features
            post("/api/v1/features/{FEATURE}/check", Map.of("units", 1)),
            post("/api/v1/features/{FEATURE}/use", Map.of("units", 1)),
            post("/api/v1/features/{FEATURE}/reservations", Map.of("units", 1, "ttl_seconds", 60)),
            get("/api/v1/reservations/{RESERVATION}"),
            post("/api/v1/reservations/{RESERVATION}/capture", Map.of("units", 1)),
            post("/api/v1/reservations/{RESERVATION}/release", Map.of()),
            get("/api/v1/gateway/{GATEWAY_FEATURE}"),
            post("/api/v1/gateway/{GATEWAY_FEATURE}/v1/run", Map.of("input", "x")),
            // media jobs
            get("/api/v1/jobs/{JOB}"),
            // subscriptions (an end user's, asked by the caller's own end user of the same external id)
            get("/api/v1/subscriptions/{SUBSCRIPTION}").as(As.EXTERNAL_USER),
            put("/api/v1/subscriptions/{SUBSCRIPTION}", Map.of("plan_id", "premium")).as(As.EXTERNAL_USER),
            patch("/api/v1/subscriptions/{SUBSCRIPTION}", Map.of("auto_renew", false)).as(As.EXTERNAL_USER),
            delete("/api/v1/subscriptions/{SUBSCRIPTION}").as(As.EXTERNAL_USER),
            // invoices
            get("/api/v1/customer/billing/invoices/{INVOICE}"),
            get("/api/v1/customer/billing/invoices/{INVOICE}/pdf"),
            get("/api/v1/customer/billing/invoices/{INVOICE}/html"),
            post("/api/v1/customer/billing/invoices/{INVOICE}/pay", Map.of("payment_method", "sandbox")),
            // identity: a social provider account linked to an end user
            delete("/api/v1/auth/identities/{IDENTITY}").as(As.USER_TOKEN),
            // connected apps: the catalog app B activated (A never did)
            get("/api/v1/customer/apps/{CATALOG_APP}"),
            put("/api/v1/customer/apps/{CATALOG_APP}", Map.of("allowed_origins", List.of("https://attacker.example"))),
            post("/api/v1/customer/apps/{CATALOG_APP}/deactivate", Map.of()),
            get("/api/v1/customer/apps/{CATALOG_APP}/analytics"));

    @Test
    void organizationAsCredentialsWithOrganizationBsIdsAnswer404AndTouchNothing() {
        TenantFixture a = TenantFixture.create(admin, port);
        TenantFixture b = TenantFixture.create(admin, port);
        // B's end user has a Google account linked (inserted: a social sign-in needs a provider's stub, and the endpoint is what is tested).
        String identity = "idn_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("INSERT INTO user_identities (id, app_id, end_user_id, provider, subject, email, email_verified) VALUES (?, ?, ?, 'google', ?, ?, true)")
                .params(identity, b.appId(), b.ids().of(Kind.END_USER), "sub-" + identity, identity + "@example.com").update();
        TenantFixture.Ids bIds = b.ids().with(Kind.IDENTITY, identity);
        // B's invoice, dated last month so that it may be finalized now (a draft is hidden from its customer too).
        jdbc.sql("""
                UPDATE invoices SET period_start = (date_trunc('month', period_start) - interval '1 month')::date,
                                    period_end = (date_trunc('month', period_start) - interval '1 day')::date WHERE id = ?""")
                .param(bIds.of(Kind.INVOICE)).update();
        Api.Res finalized = admin.post("/api/admin/invoices/" + bIds.of(Kind.INVOICE) + "/finalize", Map.of());
        assertThat(finalized.status()).as(finalized.toString()).isEqualTo(200);

        List<String> wrong = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            Api.Res res = e.client(a).send(e.method(), e.url(bIds), e.body());
            if (res.status() != 404) wrong.add(e.method() + " " + e.path() + " (" + e.as() + ") → " + res.status() + " " + res.text());
        }
        assertThat(wrong).as("endpoints that did not answer 404 to another organization's id").isEmpty();

        // B's objects are all still there, unchanged, for B.
        assertThat(b.client().get("/api/v1/webhook-endpoints/" + bIds.webhookEndpoint()).data().get("url").asString()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(b.client().get("/api/v1/webhook-sources/" + bIds.webhookSource()).data().get("name").asString()).isEqualTo("Source");
        Api.Res connection = b.client().get("/api/v1/integrations/" + bIds.connection());
        assertThat(connection.status()).as(connection.toString()).isEqualTo(200);
        assertThat(connection.text()).contains("\"Mine\"");
        assertThat(b.client().get("/api/v1/integrations/" + bIds.connection() + "/credentials").text()).contains("api_key");
        assertThat(b.client().get("/api/v1/payments/status/" + bIds.payment()).status()).isEqualTo(200);
        assertThat(b.client().get("/api/v1/reservations/" + bIds.of(Kind.RESERVATION)).data().get("status").asString()).isEqualTo("pending");
        assertThat(b.client().get("/api/v1/customer/apps/" + bIds.of(Kind.CATALOG_APP)).data().get("status").asString()).isEqualTo("active");
        assertThat(b.client().get("/api/v1/customer/apps/" + bIds.of(Kind.CATALOG_APP)).data().get("allowed_origins").toString())
                .doesNotContain("attacker");
        Api.Res subscription = b.client().with("X-External-User-Id", TenantFixture.EXTERNAL_USER).get("/api/v1/subscriptions/" + bIds.of(Kind.SUBSCRIPTION));
        assertThat(subscription.status()).as(subscription.toString()).isEqualTo(200);
        assertThat(subscription.data().get("plan_id").asString()).isEqualTo("pro");
        assertThat(jdbc.sql("SELECT count(*) FROM user_identities WHERE id = ?").param(identity).query(Long.class).single()).isOne();
        // And each row is a real endpoint: with B's own credentials, as B's own end user, a GET of the same ids finds the object
        // (an answer about the object, such as 409 "no typed settings for this provider type" or 502 from an upstream that is
        // not there, is not its absence). This also proves A's attempts left no "absent" in a cache every organization shares.
        for (Endpoint e : ENDPOINTS.stream().filter(x -> x.method().equals("GET")).toList()) {
            Api.Res own = e.client(b).get(e.url(bIds));
            assertThat(own.status()).as(e.path() + " (" + e.as() + ") for its own organization: " + own).isNotEqualTo(404);
        }
    }
}
