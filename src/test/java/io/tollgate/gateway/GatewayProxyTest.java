package io.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The metered reverse proxy over real HTTP, against a stub upstream that records what reached it. */
class GatewayProxyTest extends GatewayTestSupport {

    private static String sha256(String text) {
        return HexFormat.of().formatHex(StubUpstream.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void forwardsTheCallWithoutTheAppsCredentialsAndChargesOnSuccess() throws Exception {
        App app = app(10);
        String featureId = feature(app, "translate", "/echo/v1", 2, Map.of());
        settings(app, featureId, Map.of("upstream_headers", Map.of("Authorization", "Bearer upstream-secret", "X-Api-Version", "7")));
        String body = "{\"text\": \"hello\"}";
        Api.Res res = app.client().with("Cookie", "session=abc").with("X-Tollgate-User-Id", "usr_forged").with("X-Custom", "kept")
                .with("X-Forwarded-For", "6.6.6.6").send("POST", "/api/v1/gateway/translate/things/42?lang=fr&q=a%20b", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.json().get("target").asString()).isEqualTo("/echo/v1/things/42?lang=fr&q=a%20b");
        assertThat(res.header("X-Upstream")).isEqualTo("stub");
        assertThat(res.header("Set-Cookie")).as("an upstream's cookie never lands on Tollgate's origin").isNull();

        StubUpstream.Received got = stub.under("/echo/v1/things/42").getFirst();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.header("Authorization")).as("the upstream's own credential, not the app's key").isEqualTo("Bearer upstream-secret");
        assertThat(got.headers().toString()).doesNotContain(app.key());
        assertThat(got.header("X-Api-Version")).isEqualTo("7");
        assertThat(got.header("X-App-Id")).isNull();
        assertThat(got.header("Cookie")).isNull();
        assertThat(got.header("X-Forwarded-For")).isNull();
        assertThat(got.header("X-Tollgate-User-Id")).as("a client cannot claim a user").isNull();
        assertThat(got.header("X-Custom")).isEqualTo("kept");
        assertThat(got.header("Content-Type")).isEqualTo("application/json");
        assertThat(got.header("X-Tollgate-App-Id")).isEqualTo(app.id());
        assertThat(got.header("X-Tollgate-Feature")).isEqualTo("translate");
        assertThat(got.header("X-Tollgate-Request-Id")).isEqualTo(res.header("X-Request-Id"));
        assertThat(got.header("X-Tollgate-Signature")).matches("v1=[0-9a-f]{64}");
        assertThat(got.header("X-Tollgate-Content-SHA256")).isEqualTo(sha256(body));
        assertThat(got.bodySha256()).isEqualTo(sha256(body));

        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).isEqualTo(8);
        assertThat(held(app.organizationId())).isZero();
        Map<String, Object> row = jdbc.sql("SELECT * FROM usage_events WHERE app_id = ?").param(app.id()).query().singleRow();
        assertThat(row).containsEntry("response_status", 200).containsEntry("credits_used", 2L).containsEntry("feature", "translate")
                .containsEntry("pricing", "credits").containsEntry("bytes_in", (long) body.length());
        assertThat(((Number) row.get("upstream_status")).intValue()).isEqualTo(200);
        assertThat((Long) row.get("bytes_out")).isEqualTo(res.text().getBytes(StandardCharsets.UTF_8).length);
        assertThat(row.get("upstream_latency_ms")).isNotNull();
        assertThat(row.get("transfer_reference")).isNotNull();
        assertLedgerBalances();
    }

    @Test
    void anEndUsersCallNamesTheUserAndTheUserPays() throws Exception {
        App app = app(0);
        feature(app, "summarize", "/echo/sum", 1, Map.of());
        Api.Res res = app.client().with("X-External-User-Id", "customer-7").send("GET", "/api/v1/gateway/summarize", null);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        awaitSettled(app, 1);
        StubUpstream.Received got = stub.under("/echo/sum").getFirst();
        assertThat(got.header("X-Tollgate-User-Id")).startsWith("usr_");
        assertThat(got.header("X-External-User-Id")).isNull();
        String user = got.header("X-Tollgate-User-Id");
        // The free plan's 3 starting credits, less the call's 1.
        assertThat(jdbc.sql("SELECT balance FROM ledger_accounts WHERE owner_id = ?").param(user).query(Long.class).single()).isEqualTo(2);
        assertThat(res.json().get("target").asString()).isEqualTo("/echo/sum");
    }

    @Test
    void theUpstreamsOwnErrorsPassThroughUnchangedAndAreChargedOnlyUnderAnyResponse() throws Exception {
        App app = app(10);
        feature(app, "lookup", "/status/404", 1, Map.of());
        Api.Res notFound = app.client().get("/api/v1/gateway/lookup/missing");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.text()).isEqualTo("{\"error\":\"upstream says 404\"}");
        feature(app, "crash", "/status/500", 1, Map.of());
        Api.Res crash = app.client().post("/api/v1/gateway/crash", Map.of("x", 1));
        assertThat(crash.status()).isEqualTo(500);
        assertThat(crash.text()).isEqualTo("{\"error\":\"upstream says 500\"}");
        awaitSettled(app, 2);
        assertThat(balance(app.organizationId())).as("charge_on success: nothing for a 4xx or 5xx").isEqualTo(10);
        assertThat(usage("SELECT count(*) FROM usage_events WHERE app_id = ? AND pricing = 'released' AND credits_used = 0", app.id())).isEqualTo(2);

        String strict = feature(app, "validate", "/status/422", 3, Map.of());
        settings(app, strict, Map.of("charge_on", "any_response"));
        Api.Res invalid = app.client().post("/api/v1/gateway/validate", Map.of("x", 1));
        assertThat(invalid.status()).isEqualTo(422);
        awaitSettled(app, 3);
        assertThat(balance(app.organizationId())).as("charge_on any_response: every answer is charged").isEqualTo(7);
        assertLedgerBalances();
    }

    @Test
    void settingsChangedAfterACallApplyToTheVeryNextCall() throws Exception {
        // The first call caches the feature's gateway settings and opened credentials on this node; each change below
        // must reach the next call (CacheInvalidation at commit), never a cached copy.
        App app = app(10);
        String featureId = feature(app, "cached", "/status/500/cached", 1, Map.of());
        settings(app, featureId, Map.of("upstream_headers", Map.of("Authorization", "Bearer first")));
        assertThat(app.client().post("/api/v1/gateway/cached", Map.of("n", 1)).status()).isEqualTo(500);
        assertThat(stub.under("/status/500/cached").getLast().header("Authorization")).isEqualTo("Bearer first");
        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).as("charge_on success: a 500 is free").isEqualTo(10);

        settings(app, featureId, Map.of("upstream_headers", Map.of("Authorization", "Bearer second"), "charge_on", "any_response"));
        assertThat(app.client().post("/api/v1/gateway/cached", Map.of("n", 2)).status()).isEqualTo(500);
        assertThat(stub.under("/status/500/cached").getLast().header("Authorization")).as("the new credential").isEqualTo("Bearer second");
        awaitSettled(app, 2);
        assertThat(balance(app.organizationId())).as("charge_on any_response now: the 500 is charged").isEqualTo(9);

        // The feature's own rule (metering's cache) too: a new price reaches the next call.
        assertThat(admin.put("/api/external-apps/" + app.id() + "/features/" + featureId, Map.of("credit_cost", 3)).status()).isEqualTo(200);
        assertThat(app.client().post("/api/v1/gateway/cached", Map.of("n", 3)).status()).isEqualTo(500);
        awaitSettled(app, 3);
        assertThat(balance(app.organizationId())).isEqualTo(6);
        assertLedgerBalances();
    }

    @Test
    void anUpstreamThatRefusesConnectionsIsA502AndChargesNothing() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        App app = app(10);
        feature(app, "offline", "http://127.0.0.1:" + closed + "/api", 1, Map.of());
        Api.Res res = app.client().with("Idempotency-Key", "offline-1").post("/api/v1/gateway/offline/run", Map.of("x", 1));
        assertThat(res.status()).as(res.toString()).isEqualTo(502);
        assertThat(res.errorCode()).isEqualTo("UPSTREAM_UNAVAILABLE");
        assertThat(balance(app.organizationId())).isEqualTo(10);
        assertThat(held(app.organizationId())).isZero();
        Map<String, Object> row = jdbc.sql("SELECT response_status, upstream_status, pricing FROM usage_events WHERE app_id = ?").param(app.id())
                .query().singleRow();
        assertThat(row).containsEntry("response_status", 502).containsEntry("pricing", "released");
        assertThat(row.get("upstream_status")).isNull();
        // Nothing happened, so the key was freed: the retry is a real attempt, not a replay of the failure.
        Api.Res again = app.client().with("Idempotency-Key", "offline-1").post("/api/v1/gateway/offline/run", Map.of("x", 1));
        assertThat(again.status()).isEqualTo(502);
        assertThat(again.header("Idempotent-Replayed")).isNull();
        assertThat(usage("SELECT count(*) FROM usage_events WHERE app_id = ?", app.id())).isEqualTo(2);
        assertLedgerBalances();
    }

    @Test
    void anUpstreamThatDoesNotAnswerInTimeIsA504AndChargesNothing() {
        App app = app(10);
        String featureId = feature(app, "sleepy", "/slow/3000", 1, Map.of());
        settings(app, featureId, Map.of("first_byte_timeout_millis", 300));
        Api.Res res = app.client().get("/api/v1/gateway/sleepy");
        assertThat(res.status()).as(res.toString()).isEqualTo(504);
        assertThat(res.errorCode()).isEqualTo("UPSTREAM_TIMEOUT");
        assertThat(balance(app.organizationId())).isEqualTo(10);
        assertThat(held(app.organizationId())).isZero();
        assertLedgerBalances();
    }

    @Test
    void theTotalTimeoutCutsAStreamAndNothingIsCharged() throws Exception {
        App app = app(10);
        feature(app, "endless", "/sse/10", 1, Map.of("timeout_seconds", 1));
        stub.sseGate = new java.util.concurrent.CountDownLatch(1); // never opened: the stream stalls after its first event
        try {
            var response = streamed(app, "/api/v1/gateway/endless", null);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).as("cut after the first event").contains("Hel")
                    .doesNotContain("[DONE]");
        } catch (java.io.IOException cutOff) {
            // The connection may also end without the last chunk: the stream was cut either way.
        } finally {
            stub.sseGate.countDown();
            stub.sseGate = null;
        }
        assertThat(balance(app.organizationId())).isEqualTo(10);
        assertThat(held(app.organizationId())).isZero();
        assertThat(usage("SELECT count(*) FROM usage_events WHERE app_id = ? AND pricing = 'released'", app.id())).isEqualTo(1);
    }

    @Test
    void aQuietGapLongerThanTheFirstByteTimeoutDoesNotCutAStream() throws Exception {
        // The first-byte timeout bounds the wait for the answer to begin, never the gaps between events: a
        // socket read timeout would cut this stream (its second event comes 1 s after the first).
        App app = app(10);
        String featureId = feature(app, "pausing", "/sse/10", 1, Map.of());
        settings(app, featureId, Map.of("first_byte_timeout_millis", 300));
        var gate = new java.util.concurrent.CountDownLatch(1);
        stub.sseGate = gate;
        try {
            var response = streamed(app, "/api/v1/gateway/pausing", null);
            assertThat(response.statusCode()).isEqualTo(200);
            try (var body = response.body()) {
                byte[] first = new byte[8];
                assertThat(body.read(first)).as("the first event came through before the gap").isPositive();
                Thread.sleep(1_000);
                gate.countDown();
                assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("[DONE]");
            }
        } finally {
            gate.countDown();
            stub.sseGate = null;
        }
        assertThat(balance(app.organizationId())).isEqualTo(9);
        assertThat(held(app.organizationId())).isZero();
        assertLedgerBalances();
    }

    @Test
    void idempotentMethodsAreRetriedWhileNothingReachedTheClientAndOthersAreNot() throws Exception {
        App app = app(10);
        feature(app, "flaky-get", "/flaky/2/get-" + app.id(), 1, Map.of());
        Api.Res get = app.client().get("/api/v1/gateway/flaky-get");
        assertThat(get.status()).as(get.toString()).isEqualTo(200);
        assertThat(get.json().get("attempt").asInt()).isEqualTo(3);
        assertThat(stub.under("/flaky/2/get-" + app.id())).hasSize(3);

        feature(app, "flaky-post", "/flaky/2/post-" + app.id(), 1, Map.of());
        Api.Res post = app.client().post("/api/v1/gateway/flaky-post", Map.of("x", 1));
        assertThat(post.status()).as("POST is not idempotent: the upstream's 503 passes through").isEqualTo(503);
        assertThat(stub.under("/flaky/2/post-" + app.id())).hasSize(1);
        awaitSettled(app, 2);
        assertThat(balance(app.organizationId())).as("the GET once; the failed POST nothing").isEqualTo(9);
    }

    @Test
    void aReplayAnswersTheStoredAnswerAndChargesNothing() throws Exception {
        App app = app(10);
        feature(app, "once", "/echo/once", 2, Map.of());
        Api keyed = app.client().with("Idempotency-Key", "order-17");
        Api.Res first = keyed.post("/api/v1/gateway/once/charge?n=1", Map.of("amount", 5));
        awaitSettled(app, 1);
        Api.Res second = keyed.post("/api/v1/gateway/once/charge?n=1", Map.of("amount", 5));
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(second.header("Content-Type")).isEqualTo("application/json");
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(stub.under("/echo/once")).hasSize(1);
        assertThat(balance(app.organizationId())).isEqualTo(8);
        Api.Res other = keyed.post("/api/v1/gateway/once/charge?n=1", Map.of("amount", 6));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(balance(app.organizationId())).isEqualTo(8);
    }

    @Test
    void theBreakerOpensOnFailuresAndClosesWhenTheUpstreamRecovers() throws Exception {
        App app = app(10);
        String featureId = feature(app, "fragile", "/status/500", 1, Map.of());
        for (int i = 0; i < 4; i++) assertThat(app.client().get("/api/v1/gateway/fragile").status()).isEqualTo(500);
        int reached = stub.under("/status/500").size();
        Api.Res open = app.client().get("/api/v1/gateway/fragile");
        assertThat(open.status()).as(open.toString()).isEqualTo(503);
        assertThat(open.errorCode()).isEqualTo("UPSTREAM_CIRCUIT_OPEN");
        assertThat(Long.parseLong(open.header("Retry-After"))).isBetween(1L, 2L);
        assertThat(stub.under("/status/500")).as("nothing is sent while the breaker is open").hasSize(reached);
        assertThat(admin.get("/api/external-apps/" + app.id() + "/features/" + featureId + "/gateway").data().get("health")
                .get("circuit_breaker").asString()).isEqualTo("open");

        // The upstream recovers; after the open time, trial calls pass and close the breaker again.
        admin.put("/api/external-apps/" + app.id() + "/features/" + featureId, Map.of("upstream_url", stub.url("/echo/recovered")));
        long deadline = System.currentTimeMillis() + 20_000;
        int ok = 0;
        while (ok < 3 && System.currentTimeMillis() < deadline) {
            int status = app.client().get("/api/v1/gateway/fragile").status();
            if (status == 200) ok++;
            else Thread.sleep(200);
        }
        assertThat(ok).isEqualTo(3);
        awaitSettled(app, usage("SELECT count(*) FROM usage_events WHERE app_id = ?", app.id()));
        assertThat(admin.get("/api/external-apps/" + app.id() + "/features/" + featureId + "/gateway").data().get("health")
                .get("circuit_breaker").asString()).isEqualTo("closed");
        assertThat(balance(app.organizationId())).as("only the three successes").isEqualTo(7);
    }

    @Test
    void aFullPoolRefusesWithUpstreamBusyAndSendsNothing() throws Exception {
        App app = app(10);
        String featureId = feature(app, "narrow", "/slow/1500", 1, Map.of());
        settings(app, featureId, Map.of("max_connections", 1));
        CompletableFuture<Api.Res> first = CompletableFuture.supplyAsync(() -> app.client().get("/api/v1/gateway/narrow"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (stub.under("/slow/1500").isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Api.Res second = app.client().get("/api/v1/gateway/narrow");
        assertThat(second.status()).as(second.toString()).isEqualTo(503);
        assertThat(second.errorCode()).isEqualTo("UPSTREAM_BUSY");
        assertThat(second.header("Retry-After")).isEqualTo("1");
        assertThat(first.get().status()).isEqualTo(200);
        assertThat(stub.under("/slow/1500")).hasSize(1);
        awaitSettled(app, 2);
        assertThat(balance(app.organizationId())).isEqualTo(9);
    }

    @Test
    void pathsCannotClimbOutOfTheUpstreamAndNothingIsSent() {
        App app = app(10);
        feature(app, "boxed", "/echo/boxed", 1, Map.of());
        int before = stub.received.size();
        for (String path : List.of("/api/v1/gateway/boxed/%2e%2e/%2e%2e/admin", "/api/v1/gateway/boxed/a/%2E%2E/b", "/api/v1/gateway/boxed/.%2e/x")) {
            Api.Res res = app.client().get(path);
            assertThat(res.status()).as(path + " " + res).isEqualTo(400);
        }
        assertThat(stub.received).hasSize(before);
        assertThat(balance(app.organizationId())).isEqualTo(10);
    }

    @Test
    void anUpstreamUrlMustBeHttpsOrPlainHttpToThisMachine() {
        App app = app(0);
        for (String url : List.of("http://10.0.0.5/api", "http://169.254.169.254/latest/meta-data", "http://localhost.evil.example/x",
                "https://user:pass@api.example.com/x", "ftp://files.example.com/x")) {
            Api.Res res = admin.post("/api/external-apps/" + app.id() + "/features", Map.of("feature_name", "f" + Math.abs(url.hashCode()),
                    "pricing_type", "free", "backend", "upstream", "upstream_url", url));
            assertThat(res.status()).as(url + " " + res).isEqualTo(400);
            assertThat(res.text()).contains("upstream_url");
        }
        for (String url : List.of("https://api.example.com/v1", "http://localhost:9/x", "http://127.0.0.1:9/x", "http://[::1]:9/x")) {
            Api.Res res = admin.post("/api/external-apps/" + app.id() + "/features", Map.of("feature_name", "ok" + Math.abs(url.hashCode()),
                    "pricing_type", "free", "backend", "upstream", "upstream_url", url));
            assertThat(res.status()).as(url + " " + res).isEqualTo(201);
        }
    }

    @Test
    void builtinFeaturesAndKeysWithoutTheScopeAreRefused() {
        App app = app(10);
        defineFeature(app.id(), Map.of("feature_name", "local", "pricing_type", "credit", "credit_cost", 1));
        Api.Res builtin = app.client().get("/api/v1/gateway/local");
        assertThat(builtin.status()).isEqualTo(409);
        assertThat(builtin.errorCode()).isEqualTo("FEATURE_NOT_UPSTREAM");
        assertThat(app.client().get("/api/v1/gateway/nothing-here").errorCode()).isEqualTo("FEATURE_NOT_ENABLED");
        feature(app, "scoped", "/echo/scoped", 1, Map.of());
        String narrow = createKey(app.id(), Map.of("scopes", List.of("content:read"))).get("key").asString();
        Api.Res refused = appClient(app.id(), narrow).get("/api/v1/gateway/scoped");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(stub.under("/echo/scoped")).isEmpty();
    }

    @Test
    void aCallThePayerCannotAffordIsRefusedBeforeAnythingIsSent() {
        App app = app(1);
        feature(app, "pricey", "/echo/pricey", 5, Map.of());
        Api.Res res = app.client().post("/api/v1/gateway/pricey", Map.of("x", 1));
        assertThat(res.status()).isEqualTo(402);
        assertThat(res.errorCode()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(stub.under("/echo/pricey")).isEmpty();
    }

    @Test
    void theAdminApiShowsTheGatewayUrlSettingsAndHealthButNeverTheCredentials() throws Exception {
        App app = app(10);
        String featureId = feature(app, "health", "/echo/health", 1, Map.of());
        JsonNode view = settings(app, featureId, Map.of("upstream_headers", Map.of("Authorization", "Bearer never-shown")));
        assertThat(view.get("gateway_url").asString()).isEqualTo("http://localhost:" + port + "/api/v1/gateway/health");
        assertThat(view.get("settings").get("upstream_header_names").get(0).asString()).isEqualTo("Authorization");
        assertThat(view.toString()).doesNotContain("never-shown");
        assertThat(jdbc.sql("SELECT string_agg(sealed_value, ' ') FROM gateway_secrets WHERE feature_id = ?").param(featureId)
                .query(String.class).single()).as("sealed at rest").doesNotContain("never-shown").startsWith("tgenc:v1:");
        // Master-key rotation re-wraps them with every other store's values.
        assertThat(admin.get("/api/admin/master-keys").data().get("stores").valueStream().map(store -> store.get("name").asString()))
                .contains("gateway.secrets");
        for (int i = 0; i < 3; i++) assertThat(app.client().get("/api/v1/gateway/health").status()).isEqualTo(200);
        long deadline = System.currentTimeMillis() + 10_000;
        JsonNode health;
        do {
            health = admin.get("/api/external-apps/" + app.id() + "/features/" + featureId + "/gateway").data().get("health");
            // The call log is written after each answer; wait for all three, not only the first.
            if (!health.get("last_success_at").isNull() && health.get("last_24_hours").get("calls").asLong() >= 3) break;
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        assertThat(health.get("last_success_at").isNull()).isFalse();
        assertThat(health.get("circuit_breaker").asString()).isEqualTo("closed");
        JsonNode day = health.get("last_24_hours");
        assertThat(day.get("calls").asLong()).isEqualTo(3);
        assertThat(day.get("upstream_errors").asLong()).isZero();
        assertThat(day.get("error_rate").asDouble()).isZero();
        assertThat(day.get("p50_millis").asLong()).isPositive();
        assertThat(day.get("p95_millis").asLong()).isGreaterThanOrEqualTo(day.get("p50_millis").asLong());

        JsonNode report = admin.get("/api/external-apps/" + app.id() + "/usage").data().get("upstream_by_feature").get(0);
        assertThat(report.get("feature").asString()).isEqualTo("health");
        assertThat(report.get("calls").asLong()).isEqualTo(3);
        assertThat(report.get("error_rate").asDouble()).isZero();
        assertThat(report.get("p50_millis").asLong()).isPositive();
    }
}
