package io.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.PaidApiTest;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import tools.jackson.databind.JsonNode;

/** Gateway tests' helpers: a stub upstream, an app whose organization pays, features behind the gateway. */
abstract class GatewayTestSupport extends PaidApiTest {
    static StubUpstream stub;

    @BeforeAll
    static void startStub() throws IOException {
        stub = StubUpstream.start();
    }

    @AfterAll
    static void stopStub() {
        stub.close();
    }

    /** An app with a key and a funded organization. */
    record App(String id, String organizationId, String key, Api client) {}

    App app(long credits) {
        String appId = createApp();
        String key = createKey(appId, Map.of("rate_limit", 1_000_000)).get("key").asString();
        String org = organizationOf(appId);
        if (credits > 0) grant(org, credits);
        return new App(appId, org, key, appClient(appId, key));
    }

    /** A credit-priced feature served by the stub under path, and its id. */
    String feature(App app, String name, String path, long creditCost, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("feature_name", name, "pricing_type", "credit", "credit_cost", creditCost,
                "backend", "upstream", "upstream_url", path.startsWith("http") ? path : stub.url(path), "timeout_seconds", 10));
        body.putAll(extra);
        return defineFeature(app.id(), body).get("id").asString();
    }

    JsonNode settings(App app, String featureId, Map<String, Object> changes) {
        Api.Res res = admin.put("/api/external-apps/" + app.id() + "/features/" + featureId + "/gateway", changes);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.data();
    }

    /**
     * Waits until the app has this many usage rows and its organization holds nothing: a proxied call's charge
     * commits right after its answer reached the client.
     */
    void awaitSettled(App app, long usageRows) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (usage("SELECT count(*) FROM usage_events WHERE app_id = ?", app.id()) >= usageRows && held(app.organizationId()) == 0) return;
            Thread.sleep(10);
        }
        throw new AssertionError("the calls of " + app.id() + " were not settled: " + usage("SELECT count(*) FROM usage_events WHERE app_id = ?",
                app.id()) + " usage rows, " + held(app.organizationId()) + " credits held");
    }

    /** A call through the gateway whose answer is read as it streams (an event stream, a large body). */
    java.net.http.HttpResponse<java.io.InputStream> streamed(App app, String path, String body) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + app.key()).header("X-App-Id", app.id()).timeout(java.time.Duration.ofSeconds(60));
        request = body == null ? request.GET() : request.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    }

    long usage(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }
}
