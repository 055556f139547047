package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The embed key's restrictions and the loader's headers, over plain HTTP (the browser test shows them working in Chromium). */
class EmbedKeyTest extends ApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SHOP = "https://shop.example.com";

    private record Embed(String app, String key, String code) {}

    private Embed activate(Map<String, Object> body) {
        String app = "emb-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/catalog-apps", Map.of("id", app, "name", "Embed", "category", "test", "token_cost", 1,
                "widget_url", "https://widgets.example/" + app)).status()).isEqualTo(201);
        Api.Res res = appClient(createApp()).post("/api/v1/customer/apps/" + app + "/activate", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        String code = res.json().get("embed_code").asString();
        return new Embed(app, code.replaceAll(".*data-key=\"([^\"]+)\".*", "$1"), code);
    }

    @Test
    void anEmbedKeyWorksOnlyFromItsOriginsForItsAppAndWithinItsOwnLimit() {
        Embed embed = activate(Map.of("allowed_origins", List.of(SHOP), "embed_rate_limit", 3));
        Api key = Api.at(port).bearer(embed.key());
        Api.Res ok = key.with("Origin", SHOP).get("/api/v1/embed/" + embed.app());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.header("Access-Control-Allow-Origin")).isIn(SHOP, "*");
        Api.Res elsewhere = key.with("Origin", "https://evil.example").get("/api/v1/embed/" + embed.app());
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.errorCode()).isEqualTo("ORIGIN_NOT_ALLOWED");
        assertThat(key.get("/api/v1/embed/" + embed.app()).errorCode()).as("no browser origin at all").isEqualTo("ORIGIN_NOT_ALLOWED");
        // Its one permitted app, its one scope: nothing else of the customer API.
        assertThat(key.with("Origin", SHOP).get("/api/v1/embed/vto-001").errorCode()).isEqualTo("APP_NOT_PERMITTED");
        // Its own limit, 3 an hour: the two calls that reached the endpoint and one more; the fourth is refused.
        assertThat(key.with("Origin", SHOP).get("/api/v1/embed/" + embed.app()).status()).isEqualTo(200);
        Api.Res limited = key.with("Origin", SHOP).get("/api/v1/embed/" + embed.app());
        assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
        assertThat(limited.json().get("error").get("details").get("scope").asString()).isEqualTo("key");
    }

    @Test
    void theKeyIsPublishableWithOneScopeAndCannotConsumeOrReadTheCustomerApi() {
        Embed embed = activate(Map.of("allowed_origins", List.of(SHOP)));
        Api key = Api.at(port).bearer(embed.key()).with("Origin", SHOP);
        assertThat(embed.key()).startsWith("tg_pk_live_");
        assertThat(key.get("/api/v1/customer/apps").errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(key.post("/api/v1/customer/tokens/consume", Map.of("app_id", embed.app(), "tokens_consumed", 1)).errorCode())
                .isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(key.post("/api/v1/customer/apps/" + embed.app() + "/activate", Map.of()).errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
    }

    @Test
    void changedOriginsReachTheKeyAtOnce() {
        Embed embed = activate(Map.of("allowed_origins", List.of(SHOP)));
        String appId = jdbc.sql("SELECT activated_by FROM customer_apps WHERE app_id = ?").param(embed.app()).query(String.class).single();
        Api key = Api.at(port).bearer(embed.key());
        assertThat(key.with("Origin", "https://new.example.com").get("/api/v1/embed/" + embed.app()).status()).isEqualTo(403);
        assertThat(appClient(appId).put("/api/v1/customer/apps/" + embed.app(), Map.of("allowed_origins", List.of("https://new.example.com")))
                .status()).isEqualTo(200);
        assertThat(key.with("Origin", "https://new.example.com").get("/api/v1/embed/" + embed.app()).status()).isEqualTo(200);
        assertThat(key.with("Origin", SHOP).get("/api/v1/embed/" + embed.app()).status()).isEqualTo(403);
    }

    @Test
    void thePreflightIsAnsweredBeforeTheKeyCheck() throws Exception {
        Embed embed = activate(Map.of("allowed_origins", List.of(SHOP)));
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/embed/" + embed.app()))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", SHOP).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("authorization");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void theLoaderIsCacheableAndItsHashIsTheEmbedCodesIntegrity() throws Exception {
        Embed embed = activate(Map.of());
        String url = "http://localhost:" + port + "/embed/v1/" + embed.app() + ".js";
        HttpResponse<byte[]> loader = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", SHOP).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(loader.statusCode()).isEqualTo(200);
        assertThat(loader.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(loader.headers().firstValue("Cache-Control").orElseThrow()).contains("public").contains("max-age=300");
        assertThat(loader.headers().firstValue("Access-Control-Allow-Origin").orElseThrow()).isIn("*", SHOP);
        String integrity = "sha384-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-384").digest(loader.body()));
        assertThat(embed.code()).contains("integrity=\"" + integrity + "\"");
        String etag = loader.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).isEqualTo("\"" + integrity + "\"");
        HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(anonymous.get("/embed/v1/no-such-app.js").status()).isEqualTo(404);
        assertThat(anonymous.post("/embed/v1/" + embed.app() + ".js", null).status()).isEqualTo(405);
    }
}
