package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.Api;
import io.tollgate.Chromium;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The whole social sign-in in headless Chromium for a web app: a small web app (a loopback HTTP server
 * with a back end, as most web apps have) links to Tollgate's start with its publishable key, the
 * person signs in on the provider's own page (mock-oauth2-server's interactive login), Tollgate sends
 * the browser back to the app with a one-time code, and the app's back end exchanges it with its PKCE
 * verifier. The page the person ends on says who they are. Skipped without Chromium, failed on CI.
 */
class SocialSignInBrowserTest extends SignInTest {
    static ChromeDriver driver;
    static Chromium chromium;
    static MockOAuth2Server provider;

    @BeforeAll
    static void startBrowserAndProvider() throws IOException {
        chromium = Chromium.start();
        driver = chromium.driver();
        provider = new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\": true}"));
        provider.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterAll
    static void stop() throws IOException {
        if (chromium != null) chromium.stop();
        if (provider != null) provider.shutdown();
    }

    /** The web app: its pages and its back end's memory of sign-ins in progress (state → PKCE verifier). */
    static final class WebApp {
        final HttpServer server;
        final Map<String, Pkce> pending = new ConcurrentHashMap<>();
        final String appId;
        final String publishableKey;
        final String tollgate;

        WebApp(String tollgate, String appId, String publishableKey) throws IOException {
            this.tollgate = tollgate;
            this.appId = appId;
            this.publishableKey = publishableKey;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::home);
            server.createContext("/callback", this::callback);
            server.start();
        }

        String redirectUri() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
        }

        private void home(HttpExchange ex) throws IOException {
            String state = UUID.randomUUID().toString();
            Pkce pkce = pkce();
            pending.put(state, pkce);
            String start = tollgate + "/api/v1/auth/oauth/google/start?api_key=" + publishableKey + "&app_id=" + appId
                    + "&redirect_uri=" + q(redirectUri()) + "&code_challenge=" + pkce.challenge() + "&code_challenge_method=S256&state=" + state;
            page(ex, "<h1>Sunset</h1><a id=\"google\" href=\"" + start.replace("&", "&amp;") + "\">Sign in with Google</a>");
        }

        private void callback(HttpExchange ex) throws IOException {
            URI uri = URI.create("http://x" + ex.getRequestURI());
            String state = parameter(uri, "state");
            Pkce pkce = pending.remove(state);
            if (pkce == null || uri.getRawQuery().contains("error=")) {
                page(ex, "<p id=\"result\">Sign-in failed</p>");
                return;
            }
            Api.Res res = new Api(tollgate, Map.of()).bearer(publishableKey).with("X-App-Id", appId).post("/api/v1/auth/oauth/exchange",
                    Map.of("code", parameter(uri, "code"), "code_verifier", pkce.verifier(), "redirect_uri", redirectUri()));
            JsonNode user = res.status() == 200 ? res.data().get("user") : null;
            page(ex, user == null ? "<p id=\"result\">Sign-in failed: " + res.errorCode() + "</p>"
                    : "<p id=\"result\">Signed in as <span id=\"email\">" + user.get("email").asString() + "</span></p>"
                    + "<p id=\"user\">" + user.get("id").asString() + "</p><p id=\"url\">" + uri + "</p>");
        }

        private static void page(HttpExchange ex, String body) throws IOException {
            byte[] bytes = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sunset</title></head><body>" + body
                    + "</body></html>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        }
    }

    @Test
    void aPersonSignsInToAWebAppWithGoogleInARealBrowser() throws IOException {
        String appId = createApp();
        String issuer = provider.issuerUrl("google").toString().replaceAll("/+$", "");
        ok(admin.put("/api/external-apps/" + appId + "/auth-settings", Map.of("redirect_uris", java.util.List.of(DESKTOP))));
        ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/google", Map.of("client_id", GOOGLE_CLIENT_ID,
                "client_secret", GOOGLE_CLIENT_SECRET, "issuer", issuer)));
        String publishable = createKey(appId, Map.of("key_type", "publishable")).get("key").asString();
        WebApp web = new WebApp("http://localhost:" + port, appId, publishable);
        try {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            driver.get("http://127.0.0.1:" + web.server.getAddress().getPort() + "/");
            driver.findElement(By.id("google")).click();
            // The provider's own sign-in page.
            wait.until(ExpectedConditions.presenceOfElementLocated(By.name("username")));
            assertThat(driver.getCurrentUrl()).startsWith(issuer + "/authorize");
            String email = email();
            driver.findElement(By.name("username")).sendKeys("browser-" + UUID.randomUUID());
            driver.findElement(By.name("claims")).sendKeys("{\"email\": \"" + email + "\", \"email_verified\": true}");
            driver.findElement(By.cssSelector("input[type=submit]")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("result")));
            assertThat(driver.findElement(By.id("result")).getText()).isEqualTo("Signed in as " + email);
            // What the browser was handed: a one-time code, never a token.
            String landed = driver.findElement(By.id("url")).getText();
            assertThat(landed).contains("code=tg_oc_").doesNotContain("tg_rt_").doesNotContain("access_token");
            String userId = driver.findElement(By.id("user")).getText();
            assertThat(admin.get("/api/external-apps/" + appId + "/users/" + userId).data().get("email_verified").asBoolean()).isTrue();
            Path shots = Path.of("target", "screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("social-sign-in-web-app.png"), driver.getScreenshotAs(OutputType.BYTES));
        } finally {
            web.server.stop(0);
        }
    }
}
