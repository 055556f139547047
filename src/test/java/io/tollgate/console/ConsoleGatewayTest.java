package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tollgate.Api;
import io.tollgate.operators.OperatorRole;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A gateway feature's console page: URL, upstream health, settings, write-only credentials, a secret shown once. */
class ConsoleGatewayTest extends ConsoleApiTest {
    private HttpServer upstream;
    private String appId;
    private String featureId;
    private String page;

    @BeforeEach
    void aGatewayFeature() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", ex -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(ex.getRequestURI().getPath().contains("fail") ? 500 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        upstream.start();
        appId = createApp();
        featureId = admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "translate", "pricing_type", "free",
                "backend", "upstream", "upstream_url", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1")).data().get("id").asString();
        page = "/console/apps/" + appId + "/features/" + featureId + "/gateway";
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop(0);
    }

    @Test
    void theFeaturesPageLinksToTheGatewayPageWhichShowsTheUrlAndHealth() {
        Api app = appClient(appId);
        for (int i = 0; i < 3; i++) assertThat(app.get("/api/v1/gateway/translate/ok").status()).isEqualTo(200);
        assertThat(app.get("/api/v1/gateway/translate/fail").status()).isEqualTo(500);
        assertThat(console.get("/console/apps/" + appId + "/features").body()).contains("id=\"gateway-link-" + featureId + "\"");
        // A proxied call is recorded right after its answer reached the client: the last one may land a moment later.
        String body = console.get(page).body();
        for (long deadline = System.currentTimeMillis() + 10_000; !body.contains("id=\"calls-24h\">4<") && System.currentTimeMillis() < deadline; ) {
            body = console.get(page).body();
        }
        assertThat(body).contains("http://localhost:" + port + "/api/v1/gateway/translate");
        assertThat(body).containsPattern("id=\"breaker-state\"[^>]*>closed<");
        assertThat(body).containsPattern("id=\"calls-24h\">4<");
        assertThat(body).containsPattern("id=\"error-rate\">25");
        assertThat(body).containsPattern("id=\"latency\">≤ \\d+ ms / ≤ \\d+ ms<");
        String usage = console.get("/console/apps/" + appId + "/usage").body();
        assertThat(usage).contains("id=\"upstream-table\"").containsPattern("<code>translate</code></td><td class=\"num\">4</td>");
    }

    @Test
    void settingsAreSavedAndRefusalsShowBesideTheirFields() {
        console.submit(page, page, Map.of("charge_on", "any_response", "pricing_mode", "units", "units_json_pointer", "/usage/total_tokens",
                "max_units", "200", "connect_timeout_millis", "2000", "first_byte_timeout_millis", "9000", "max_connections", "8"));
        var settings = admin.get("/api/external-apps/" + appId + "/features/" + featureId + "/gateway").data().get("settings");
        assertThat(settings.get("charge_on").asString()).isEqualTo("any_response");
        assertThat(settings.get("pricing_mode").asString()).isEqualTo("units");
        assertThat(settings.get("units_json_pointer").asString()).isEqualTo("/usage/total_tokens");
        assertThat(settings.get("max_units").asLong()).isEqualTo(200);
        assertThat(settings.get("max_connections").asInt()).isEqualTo(8);

        console.submit(page, page, Map.of("connect_timeout_millis", "5", "max_connections", "many"));
        String refused = console.get(page).body();
        assertThat(refused).containsPattern("id=\"connect-timeout-error\">[^<]*greater than or equal to 100");
        assertThat(refused).containsPattern("id=\"max-connections-error\">must be a whole number");
        assertThat(admin.get("/api/external-apps/" + appId + "/features/" + featureId + "/gateway").data().get("settings")
                .get("connect_timeout_millis").asInt()).isEqualTo(2000);
    }

    @Test
    void credentialsAreWriteOnlyAndTheSecretIsShownOnce() {
        console.submit(page, page + "/credentials", Map.of("upstream_headers", "Authorization: Bearer sk-console-secret\nX-Org: 42"));
        String saved = console.get(page).body();
        assertThat(saved).contains("Authorization, X-Org").doesNotContain("sk-console-secret");

        assertThat(console.submit(page, page + "/signing-secret", Map.of("overlap_seconds", "3600")).status()).isEqualTo(302);
        String shown = console.get(page).body();
        Matcher secret = Pattern.compile("id=\"new-secret-value\" readonly value=\"(tgs_[A-Za-z0-9_-]+)\"").matcher(shown);
        assertThat(secret.find()).as(shown).isTrue();
        assertThat(console.get(page).body()).as("a reload does not show it again").doesNotContain(secret.group(1));

        ConsoleClient viewer = ConsoleClient.signedIn(port, accounts, OperatorRole.VIEWER);
        String viewed = viewer.get(page).body();
        assertThat(viewed).doesNotContain("id=\"rotate-secret\"").doesNotContain("id=\"save-settings\"");
        assertThat(viewer.post(page + "/signing-secret", Map.of("_csrf", viewer.get(page).csrf(), "overlap_seconds", "0")).status()).isEqualTo(403);
    }
}
