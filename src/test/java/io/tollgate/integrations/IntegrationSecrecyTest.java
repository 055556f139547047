package io.tollgate.integrations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.tollgate.integrations.IntegrationTestSupport.base;
import static io.tollgate.integrations.IntegrationTestSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.SecretScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * After a run with known secrets — API keys (bearer, Basic, query-string styles), a rotated key, an OAuth client
 * secret, OAuth access and refresh tokens including rotated ones — none of them is found in a dump of every table,
 * in PostgreSQL's files and WAL, in the captured log, or in any API answer about the connections.
 */
@ExtendWith(OutputCaptureExtension.class)
class IntegrationSecrecyTest extends ApiTest {
    @Autowired
    DataSource dataSource;
    @Autowired
    io.tollgate.platform.CacheInvalidation invalidation;

    @Test
    void noSecretIsStoredLoggedOrAnsweredInTheClear(CapturedOutput output) throws Exception {
        WireMockServer stub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        stub.start();
        List<String> secrets = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        try (OAuthStub oauth = new OAuthStub()) {
            String org = createOrganization();
            String marker = "secrecy-" + UUID.randomUUID();
            // Bearer, Basic and query-string credentials, each used by an activation check.
            String bearerKey = "sk_live_" + random();
            String basicPassword = "basic-" + random();
            String querySecret = "qs" + random();
            // The provider echoes the key back in its body: the log must not keep it.
            stub.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody("{\"ok\":true,\"echo\":\"" + bearerKey + "\",\"password\":\"" + basicPassword + "\"}")));
            String bearer = IntegrationTestSupport.bearerProvider(admin, stub.baseUrl(), List.of());
            String basic = provider("basic", Map.of("username", "config:account", "password", "credential:password"), stub.baseUrl());
            String query = provider("query", Map.of("params", Map.of("api_secret", "credential:api_secret")), stub.baseUrl());
            String a = connect(admin, org, bearer, Map.of("connection_name", marker, "credentials", Map.of("api_key", Map.of("value", bearerKey)))).get("id").asString();
            String b = connect(admin, org, basic, Map.of("configuration", Map.of("account", "acct_1"),
                    "credentials", Map.of("password", Map.of("value", basicPassword)))).get("id").asString();
            String c = connect(admin, org, query, Map.of("credentials", Map.of("api_secret", Map.of("value", querySecret)))).get("id").asString();
            for (String id : List.of(a, b, c)) answers.add(admin.post(base(org) + "/" + id + "/activate", null).text());
            secrets.addAll(List.of(bearerKey, basicPassword, querySecret));
            // A rotation: old and new are both secrets.
            String rotatedKey = "sk_live_" + random();
            answers.add(admin.put(base(org) + "/" + a + "/credentials/api_key", Map.of("value", rotatedKey)).text());
            answers.add(admin.post(base(org) + "/" + a + "/health-checks", null).text());
            secrets.add(rotatedKey);
            // OAuth: client secret, tokens, a refresh with rotation.
            String provider = OAuthFlows.provider(admin, oauth);
            String o = connect(admin, org, provider, Map.of("configuration", Map.of("client_id", OAuthStub.CLIENT_ID),
                    "credentials", Map.of("client_secret", Map.of("value", OAuthStub.CLIENT_SECRET)))).get("id").asString();
            answers.add(OAuthFlows.authorize(admin, base(org) + "/" + o, port, oauth).text());
            oauth.expireAccessTokens();
            jdbc.sql("UPDATE integration_oauth_tokens SET expires_at = now() - interval '1 second' WHERE connection_id = ?").param(o).update();
            invalidation.publish(io.tollgate.integrations.internal.OAuthTokens.CACHE_TOPIC, o);
            answers.add(admin.post(base(org) + "/" + o + "/health-checks", null).text());
            assertThat(oauth.refreshes.get()).isEqualTo(1);
            secrets.add(OAuthStub.CLIENT_SECRET);
            secrets.addAll(oauth.issued);
            // Proxied calls with the organization's own key: the request carries a secret in its body, the provider echoes
            // secrets back; the caller gets the provider's answer as it is, but logs and tables keep none of them.
            String appId = createApp(org, "active");
            String tollgateKey = createKey(appId, Map.of("scopes", List.of("integrations:manage"))).get("key").asString();
            Api own = appClient(appId, tollgateKey);
            for (String id : List.of(a, b, c)) {
                Api.Res proxied = own.post("/api/v1/integrations/" + id + "/proxy/v1/echo?note=1", Map.of("password", basicPassword, "note", "hello"));
                assertThat(proxied.status()).as(proxied.toString()).isEqualTo(200);
            }
            assertThat(own.get("/api/v1/integrations/" + o + "/proxy/api/me").status()).isEqualTo(200);
            for (String id : List.of(a, b, c, o)) IntegrationTestSupport.awaitProxyLogs(jdbc, id, 1);
            secrets.add(tollgateKey);
            // Everything the API says about these connections.
            for (String id : List.of(a, b, c, o)) {
                for (String path : List.of("", "/credentials", "/logs?per_page=100", "/health?per_page=100", "/rate-limits", "/analytics")) {
                    answers.add(admin.get(base(org) + "/" + id + path).text());
                }
                answers.add(admin.get("/api/admin/audit-log?target_id=" + id + "&per_page=100").text());
            }
            answers.add(admin.get(base(org) + "?per_page=100").text());
            answers.add(admin.get(base(org) + "/logs?per_page=100").text());
            answers.add(admin.get("/api/admin/audit-log?per_page=100").text());

            String dump = SecretScan.dump(dataSource, jdbc, marker);
            io.tollgate.OwnerDatabase.jdbc(dataSource).sql("CHECKPOINT").update(); // the owner may; the application's roles may not
            assertThat(secrets).hasSizeGreaterThanOrEqualTo(10);
            assertThat(jdbc.sql("SELECT count(*) FROM integration_logs WHERE organization_id = ? AND source = 'proxy'").param(org).query(Long.class).single())
                    .isEqualTo(4);
            for (String secret : secrets) {
                assertThat(dump).as("dump").doesNotContain(secret)
                        .doesNotContain(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))
                        .doesNotContain(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)));
                assertThat(output.getAll()).as("log").doesNotContain(secret);
                for (String answer : answers) assertThat(answer).as("API answer").doesNotContain(secret);
                assertThat(SecretScan.filesContaining(ApiTest.SHARED_DATA_DIR.resolve("postgres"), secret.getBytes(StandardCharsets.US_ASCII)))
                        .as("PostgreSQL data files and WAL").isEmpty();
            }
            // The provider really received them (so they really were used, and then hidden).
            assertThat(stub.getAllServeEvents()).anySatisfy(e -> assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + rotatedKey));
            assertThat(stub.getAllServeEvents()).anySatisfy(e -> assertThat(e.getRequest().getUrl()).contains("api_secret=" + querySecret));
        } finally {
            stub.stop();
        }
    }

    private String provider(String kind, Map<String, Object> authConfig, String baseUrl) {
        String name = kind + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Api.Res res = admin.post("/api/admin/integrations/providers", Map.of("provider_name", name, "display_name", name, "provider_type", "analytics",
                "base_url", baseUrl, "auth_style", kind, "auth_config", authConfig, "health_check_path", "/check?x=1"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return name;
    }

    private static String random() {
        return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }
}
