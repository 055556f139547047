package io.tollgate.integrations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.tollgate.integrations.IntegrationTestSupport.base;
import static io.tollgate.integrations.IntegrationTestSupport.bearerProvider;
import static io.tollgate.integrations.IntegrationTestSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * ANY /api/v1/integrations/{id}/proxy/… over real HTTP against a local stub provider: what the provider receives
 * (its credentials, never the caller's key), what the caller gets back (the provider's answer unchanged, or
 * Tollgate's refusals in the envelope), retries, the breaker, per-connection limits, a large body both ways, the
 * address rule, the call log and analytics.
 */
class IntegrationProxyTest extends ApiTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static WireMockServer stub;
    @Autowired
    ConnectionAnalytics analytics;
    private String org;
    private String appId;
    private String key;
    private String prefix;
    private String providerKey;
    private String provider;
    private String id;

    @BeforeAll
    static void start() {
        stub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        stub.start();
    }

    @AfterAll
    static void stop() {
        stub.stop();
    }

    /** An organization with a secret key, and an active bearer connection to a provider at its own prefix of the stub. */
    @BeforeEach
    void connection() {
        org = createOrganization();
        appId = createApp(org, "active");
        key = createKey(appId, Map.of("scopes", List.of("integrations:manage"))).get("key").asString();
        prefix = "/p" + UUID.randomUUID().toString().substring(0, 8);
        providerKey = "sk_live_" + UUID.randomUUID().toString().replace("-", "");
        provider = bearerProvider(admin, stub.baseUrl() + prefix, List.of());
        stub.stubFor(get(urlEqualTo(prefix + "/v1/me")).willReturn(aResponse().withStatus(200).withBody("{\"id\":\"me\"}")));
        id = connect(admin, org, provider, Map.of("credentials", Map.of("api_key", Map.of("value", providerKey)))).get("id").asString();
        Api.Res activated = admin.post(base(org) + "/" + id + "/activate", null);
        assertThat(activated.status()).as(activated.toString()).isEqualTo(200);
        stub.resetRequests();
    }

    private HttpResponse<byte[]> call(String method, String rest, byte[] body, String... headers) throws Exception {
        return call(key, id, method, rest, body, headers);
    }

    private HttpResponse<byte[]> call(String apiKey, String connection, String method, String rest, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/integrations/" + connection + "/proxy" + rest))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + apiKey).header("X-App-Id", appId)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> response) {
        return Api.JSON.readTree(response.body());
    }

    private List<LoggedRequest> received(String path) {
        return stub.findAll(anyRequestedFor(urlPathMatching(prefix + path)));
    }

    @Test
    void theConnectionsCredentialsGoToTheProviderAndNeverTheCallersKey() throws Exception {
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/things/a%20b")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withHeader("X-Provider", "yes").withBody("{\"id\":\"thing_1\"}")));
        HttpResponse<byte[]> answer = call("POST", "/v1/things/a%20b?limit=2&q=x%20y", "{\"name\":\"t\"}".getBytes(),
                "Content-Type", "application/json", "Cookie", "session=abc", "X-Custom", "kept",
                "X-Forwarded-For", "10.9.9.9", "Idempotency-Key", "idem-1");
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(new String(answer.body())).isEqualTo("{\"id\":\"thing_1\"}");
        assertThat(answer.headers().firstValue("X-Provider")).hasValue("yes");
        assertThat(answer.headers().firstValue("X-Request-Id")).isPresent();

        List<LoggedRequest> got = received("/v1/things/.*");
        assertThat(got).hasSize(1);
        LoggedRequest r = got.get(0);
        assertThat(r.getUrl()).isEqualTo(prefix + "/v1/things/a%20b?limit=2&q=x%20y");
        assertThat(r.getMethod().getName()).isEqualTo("POST");
        assertThat(r.getBodyAsString()).isEqualTo("{\"name\":\"t\"}");
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + providerKey);
        assertThat(r.getHeader("X-Custom")).isEqualTo("kept");
        assertThat(r.getHeader("Idempotency-Key")).isEqualTo("idem-1");
        for (String dropped : List.of("X-App-Id", "Cookie", "X-Forwarded-For")) assertThat(r.containsHeader(dropped)).as(dropped).isFalse();
        assertThat(r.getHeaders().all().toString()).doesNotContain(key);

        // The call log: source proxy, the caller's key and the provider's never in it.
        IntegrationTestSupport.awaitProxyLogs(jdbc, id, 1);
        Api own = appClient(appId, key);
        Api.Res logs = own.get("/api/v1/integrations/" + id + "/logs?source=proxy");
        assertThat(logs.data()).hasSize(1);
        JsonNode entry = logs.data().get(0);
        assertThat(entry.get("method").asString()).isEqualTo("POST");
        assertThat(entry.get("response_status").asInt()).isEqualTo(201);
        assertThat(entry.get("endpoint").asString()).isEqualTo("/v1/things/a%20b?limit=2&q=x%20y");
        assertThat(logs.text()).doesNotContain(key).doesNotContain(providerKey);
        String row = jdbc.sql("SELECT row_to_json(l)::text FROM integration_logs l WHERE connection_id = ? AND source = 'proxy'").param(id)
                .query(String.class).single();
        assertThat(row).contains("\"user_id\":\"api_key:").doesNotContain(key).doesNotContain(providerKey);

        // And the day's analytics count it.
        analytics.rollup(LocalDate.now(ZoneOffset.UTC));
        JsonNode day = own.get("/api/v1/integrations/" + id + "/analytics").data().get(0);
        assertThat(day.get("total_requests").asInt()).isEqualTo(1);
        assertThat(day.get("successful_requests").asInt()).isEqualTo(1);
    }

    /** A fresh active connection to this test's provider (its own breaker). */
    private String anotherConnection() {
        String other = connect(admin, org, provider, Map.of("credentials", Map.of("api_key", Map.of("value", providerKey)))).get("id").asString();
        assertThat(admin.post(base(org) + "/" + other + "/activate", null).status()).isEqualTo(200);
        stub.resetRequests();
        return other;
    }

    @Test
    void providerErrorsPassThroughUnchangedAndOnlyIdempotentMethodsAreRetried() throws Exception {
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/missing")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"No such thing\"}}")));
        HttpResponse<byte[]> notFound = call("GET", "/v1/missing", null);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(new String(notFound.body())).isEqualTo("{\"error\":{\"message\":\"No such thing\"}}");
        assertThat(received("/v1/missing")).as("a 404 is an answer, not retried").hasSize(1);

        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/flaky")).willReturn(aResponse().withStatus(503).withBody("provider busy")));
        HttpResponse<byte[]> get = call(key, anotherConnection(), "GET", "/v1/flaky", null);
        assertThat(get.statusCode()).isEqualTo(503);
        assertThat(new String(get.body())).as("the provider's own answer after the last attempt").isEqualTo("provider busy");
        assertThat(received("/v1/flaky")).as("GET: three attempts").hasSize(3);

        HttpResponse<byte[]> post = call(key, anotherConnection(), "POST", "/v1/flaky", "{}".getBytes(), "Content-Type", "application/json");
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(new String(post.body())).isEqualTo("provider busy");
        assertThat(received("/v1/flaky")).as("POST: sent once").hasSize(1);

        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/boom")).willReturn(aResponse().withStatus(500).withBody("<html>oops</html>")));
        HttpResponse<byte[]> boom = call(key, anotherConnection(), "PATCH", "/v1/boom", "x".getBytes());
        assertThat(boom.statusCode()).isEqualTo(500);
        assertThat(new String(boom.body())).isEqualTo("<html>oops</html>");
        assertThat(received("/v1/boom")).as("PATCH: sent once").hasSize(1);
    }

    @Test
    void anUnreachableProviderIs502AndAfterRepeatedFailuresTheBreakerOpensWithoutSending() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(admin.put("/api/admin/integrations/providers/" + provider, Map.of("base_url", "http://127.0.0.1:" + closed + prefix)).status())
                .isEqualTo(200);
        HttpResponse<byte[]> first = call("POST", "/v1/things", "{}".getBytes());
        assertThat(first.statusCode()).isEqualTo(502);
        assertThat(json(first).get("success").asBoolean()).isFalse();
        assertThat(json(first).get("error").get("code").asString()).isEqualTo("UPSTREAM_UNAVAILABLE");

        // The breaker (window 4, opening at half failed) opens; then nothing is sent and Retry-After says when to come back.
        HttpResponse<byte[]> answer = first;
        for (int i = 0; i < 6 && answer.statusCode() != 503; i++) answer = call("POST", "/v1/things", "{}".getBytes());
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(json(answer).get("error").get("code").asString()).isEqualTo("UPSTREAM_CIRCUIT_OPEN");
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(admin.get(base(org) + "/" + id).data().get("circuit_breaker").asString()).isEqualTo("open");
        // Back at the stub, still open: the stub sees nothing.
        admin.put("/api/admin/integrations/providers/" + provider, Map.of("base_url", stub.baseUrl() + prefix));
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/things")).willReturn(aResponse().withStatus(200)));
        assertThat(call("GET", "/v1/things", null).statusCode()).isEqualTo(503);
        assertThat(received("/v1/things")).isEmpty();
        // Call logs are written in batches: every call of this test is logged, the refused ones with their code.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (jdbc.sql("SELECT count(*) FROM integration_logs WHERE connection_id = ? AND source = 'proxy' AND error_code = 'UPSTREAM_CIRCUIT_OPEN'")
                .param(id).query(Long.class).single() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM integration_logs WHERE connection_id = ? AND source = 'proxy' AND error_code = 'UPSTREAM_CIRCUIT_OPEN'")
                .param(id).query(Long.class).single()).isPositive();
    }

    @Test
    void limitsSetOrRemovedAfterTheConnectionWasCalledApplyAtOnce() throws Exception {
        // The first calls find no limit (and this node remembers that); a limit set then is enforced from the next call.
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/counted")).willReturn(aResponse().withStatus(200).withBody("ok")));
        Api own = appClient(appId, key);
        for (int i = 0; i < 3; i++) assertThat(call("GET", "/v1/counted", null).statusCode()).isEqualTo(200);
        assertThat(own.put("/api/v1/integrations/" + id + "/rate-limits", Map.of("limits", List.of(Map.of("limit_type", "per_day", "max_requests", 1))))
                .status()).isEqualTo(200);
        assertThat(call("GET", "/v1/counted", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v1/counted", null).statusCode()).isEqualTo(429);
        assertThat(received("/v1/counted")).hasSize(4);
        // Removed: calls go through again and spend nothing.
        assertThat(own.put("/api/v1/integrations/" + id + "/rate-limits", Map.of("limits", List.of())).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/counted", null).statusCode()).isEqualTo(200);
        assertThat(received("/v1/counted")).hasSize(5);
    }

    @Test
    void aConnectionChangedAfterItWasCalledIsCalledAsItIsNow() throws Exception {
        // Called once (so this node caches it), then deleted: the next call must not reach the provider.
        assertThat(call("GET", "/v1/me", null).statusCode()).isEqualTo(200);
        assertThat(admin.delete(base(org) + "/" + id).status()).isIn(200, 204);
        assertThat(call("GET", "/v1/me", null).statusCode()).isEqualTo(404);
        assertThat(received("/v1/me")).hasSize(1);
    }

    @Test
    void everyProxiedCallIsLoggedExactlyOnce() throws Exception {
        // Forty calls at once: their log rows are queued and written in batches, each once.
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/many")).willReturn(aResponse().withStatus(200).withBody("{}")));
        int calls = 40;
        List<java.util.concurrent.Future<HttpResponse<byte[]>>> answers = new java.util.ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) answers.add(threads.submit(() -> call("POST", "/v1/many", "{}".getBytes(), "Content-Type", "application/json")));
        }
        java.util.Set<String> requestIds = new java.util.HashSet<>();
        for (var a : answers) {
            assertThat(a.get().statusCode()).isEqualTo(200);
            requestIds.add(a.get().headers().firstValue("X-Request-Id").orElseThrow());
        }
        assertThat(requestIds).hasSize(calls);
        IntegrationTestSupport.awaitProxyLogs(jdbc, id, calls);
        assertThat(jdbc.sql("SELECT count(*) FROM integration_logs WHERE connection_id = ? AND source = 'proxy'").param(id).query(Long.class).single())
                .isEqualTo(calls);
        assertThat(jdbc.sql("SELECT count(DISTINCT id) FROM integration_logs WHERE connection_id = ? AND source = 'proxy' AND response_status = 200")
                .param(id).query(Long.class).single()).isEqualTo(calls);
    }

    @Test
    void aProviderSlowerThanTheFirstByteTimeoutIs504() throws Exception {
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(8_000)));
        HttpResponse<byte[]> answer = call("POST", "/v1/slow", "{}".getBytes());
        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(json(answer).get("error").get("code").asString()).isEqualTo("UPSTREAM_TIMEOUT");
    }

    @Test
    void pathsThatWouldLeaveTheProvidersBaseAreRefused() throws Exception {
        stub.stubFor(any(urlPathMatching(".*")).willReturn(aResponse().withStatus(200)));
        for (String rest : List.of("/%2e%2e/admin", "/v1/%2E%2e", "/a%2fb", "/a%5cb", "/a/%2e/b")) {
            HttpResponse<byte[]> answer = call("GET", rest, null);
            assertThat(answer.statusCode()).as(rest).isEqualTo(400);
        }
        // Segments that only look like a URL stay below the base URL, on its host.
        assertThat(call("GET", "/http:/evil.example/x", null).statusCode()).isEqualTo(200);
        assertThat(stub.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getUrl()).startsWith(prefix + "/"));
        assertThat(stub.getAllServeEvents()).hasSize(1);
    }

    @Test
    void theConnectionsLimitIsSpentBeforeSending() throws Exception {
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/limited")).willReturn(aResponse().withStatus(200).withBody("ok")));
        Api own = appClient(appId, key);
        assertThat(own.put("/api/v1/integrations/" + id + "/rate-limits", Map.of("limits", List.of(Map.of("limit_type", "per_month", "max_requests", 2))))
                .status()).isEqualTo(200);
        assertThat(call("GET", "/v1/limited", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v1/limited", null).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> refused = call("GET", "/v1/limited", null);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).get("error").get("code").asString()).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertThat(received("/v1/limited")).hasSize(2);
        JsonNode usage = own.get("/api/v1/integrations/" + id + "/rate-limits").data().get(0);
        assertThat(usage.get("current_usage").asInt()).isEqualTo(2);
        assertThat(usage.get("is_exceeded").asBoolean()).isTrue();
    }

    @Test
    void fiveMegabytesStreamBothWays() throws Exception {
        byte[] upload = new byte[5 * 1024 * 1024];
        new Random(7).nextBytes(upload);
        byte[] download = new byte[5 * 1024 * 1024];
        new Random(8).nextBytes(download);
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/files")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/octet-stream").withBody(download)));
        HttpResponse<byte[]> answer = call("PUT", "/v1/files", upload, "Content-Type", "application/octet-stream");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(sha(answer.body())).isEqualTo(sha(download));
        List<LoggedRequest> got = received("/v1/files");
        assertThat(got).hasSize(1);
        assertThat(sha(got.get(0).getBody())).isEqualTo(sha(upload));
        IntegrationTestSupport.awaitProxyLogs(jdbc, id, 1);
        Map<String, Object> row = jdbc.sql("SELECT bytes_sent, bytes_received FROM integration_logs WHERE connection_id = ? AND source = 'proxy'")
                .param(id).query().singleRow();
        assertThat(((Number) row.get("bytes_sent")).longValue()).isEqualTo(upload.length);
        assertThat(((Number) row.get("bytes_received")).longValue()).isEqualTo(download.length);
    }

    @Test
    void anotherOrganizationsConnectionIsNotFoundAndAnInactiveOneIsRefused() throws Exception {
        String otherOrg = createOrganization();
        String otherApp = createApp(otherOrg, "active");
        String otherKey = createKey(otherApp, Map.of("scopes", List.of("integrations:manage"))).get("key").asString();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/integrations/" + id + "/proxy/v1/me"))
                .header("Authorization", "Bearer " + otherKey).header("X-App-Id", otherApp).GET().build();
        HttpResponse<String> theirs = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(theirs.statusCode()).isEqualTo(404);
        assertThat(Api.JSON.readTree(theirs.body()).get("error").get("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(call("GET", "/v1/me", null).statusCode()).isEqualTo(200);
        assertThat(received("/v1/me")).as("only the owner's call reached the provider").hasSize(1);

        String noScope = createKey(appId, Map.of("scopes", List.of("apps:read"))).get("key").asString();
        assertThat(call(noScope, id, "GET", "/v1/me", null).statusCode()).isEqualTo(403);

        assertThat(admin.post(base(org) + "/" + id + "/deactivate", null).status()).isEqualTo(200);
        HttpResponse<byte[]> inactive = call("GET", "/v1/me", null);
        assertThat(inactive.statusCode()).isEqualTo(409);
        assertThat(json(inactive).get("error").get("code").asString()).isEqualTo("CONNECTION_NOT_ACTIVE");
        assertThat(received("/v1/me")).hasSize(1);
    }

    @Test
    void aProviderAddressOutsideTheAllowlistIsRefusedBeforeConnecting() throws Exception {
        // 127.0.0.2 is this machine too, but not an allowed host: a listener there must never see a connection.
        InetAddress second = InetAddress.getByName("127.0.0.2");
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(second, 0));
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try (var s = listener.accept()) {
                        accepted.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            for (String target : List.of("http://127.0.0.2:" + listener.getLocalPort(), "http://169.254.169.254/latest", "http://10.0.0.1")) {
                assertThat(admin.put("/api/admin/integrations/providers/" + provider, Map.of("base_url", target)).status()).isEqualTo(200);
                HttpResponse<byte[]> answer = call("GET", "/v1/me", null);
                assertThat(answer.statusCode()).as(target).isEqualTo(502);
                assertThat(json(answer).get("error").get("code").asString()).as(target).isEqualTo("UPSTREAM_ADDRESS_REFUSED");
            }
            // Health checks obey the same rule.
            admin.put("/api/admin/integrations/providers/" + provider, Map.of("base_url", "http://127.0.0.2:" + listener.getLocalPort()));
            JsonNode check = admin.post(base(org) + "/" + id + "/health-checks", null).data();
            assertThat(check.get("status").asString()).isEqualTo("down");
            assertThat(check.get("error_message").asString()).contains("refused");
            assertThat(accepted.get()).isZero();
        }
    }

    @Test
    void credentialsThatGoInsideTheJsonBodyAreMergedIntoTheCallersBody() throws Exception {
        String name = "jsonauth_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Api.Res created = admin.post("/api/admin/integrations/providers", Map.of("provider_name", name, "display_name", name, "provider_type", "payment",
                "base_url", stub.baseUrl() + prefix, "auth_style", "json_body",
                "auth_config", Map.of("object_key", "auth", "fields", Map.of("authkey", "credential:auth_key")), "health_check_path", "/v1/me"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String authKey = "jk" + UUID.randomUUID().toString().replace("-", "");
        String connection = connect(admin, org, name, Map.of("credentials", Map.of("auth_key", Map.of("value", authKey)))).get("id").asString();
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/me")).willReturn(aResponse().withStatus(200).withBody("{}")));
        assertThat(admin.post(base(org) + "/" + connection + "/activate", null).status()).isEqualTo(200);
        stub.stubFor(any(urlPathEqualTo(prefix + "/v1/order")).willReturn(aResponse().withStatus(200).withBody("{\"ok\":true}")));
        stub.resetRequests();
        HttpResponse<byte[]> answer = call(key, connection, "POST", "/v1/order", "{\"amount\":100}".getBytes(), "Content-Type", "application/json");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode sent = Api.JSON.readTree(received("/v1/order").get(0).getBodyAsString());
        assertThat(sent.get("amount").asInt()).isEqualTo(100);
        assertThat(sent.get("auth").get("authkey").asString()).isEqualTo(authKey);
        IntegrationTestSupport.awaitProxyLogs(jdbc, connection, 1);
        assertThat(jdbc.sql("SELECT request_body::text FROM integration_logs WHERE connection_id = ? AND source = 'proxy'").param(connection)
                .query(String.class).single()).contains("100").doesNotContain(authKey);
    }

    private static String sha(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
