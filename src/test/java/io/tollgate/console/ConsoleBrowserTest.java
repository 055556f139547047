package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.Chromium;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRequest;
import io.tollgate.operators.OperatorRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The console in a real browser: headless Chromium from the system packages ({@link Chromium}).
 * Full-page screenshots of the main screens go to target/screenshots/ (1280 px wide, some at 390 px).
 */
class ConsoleBrowserTest extends ApiTest {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final String PASSWORD = "browser test password";
    static Chromium chromium;
    static ChromeDriver driver;
    static WebDriverWait wait;

    @Autowired
    OperatorAccounts accounts;
    String base;

    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = Chromium.start();
        driver = chromium.driver();
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (chromium != null) chromium.stop();
    }

    @BeforeEach
    void freshSession() {
        base = "http://localhost:" + port;
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.get(base + "/console/login");
        driver.manage().deleteAllCookies();
    }

    String operator(OperatorRole role) {
        String email = "browser-" + role.name().toLowerCase() + "-" + UUID.randomUUID() + "@example.com";
        accounts.create(new OperatorRequest(email, PASSWORD, role, null));
        return email;
    }

    void signIn(String email, String password) {
        driver.get(base + "/console/login");
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }

    void signedInAs(OperatorRole role) {
        signIn(operator(role), PASSWORD);
        wait.until(ExpectedConditions.urlContains("/console/apps"));
    }

    /**
     * Full-page PNG from the top, whatever the scroll position (a #new-key anchor scrolls the page): the
     * viewport is made as tall as the document through Chrome DevTools (Emulation.setDeviceMetricsOverride)
     * at the window's width, the charts are given a frame to redraw at that size, then Page.captureScreenshot
     * takes it all and the viewport is put back.
     */
    @SuppressWarnings("unchecked")
    void screenshot(String name) {
        driver.executeScript("window.scrollTo(0, 0);");
        long width = ((Number) driver.executeScript("return window.innerWidth;")).longValue();
        try {
            for (int pass = 0; pass < 2; pass++) { // the page can reflow once no scrollbar takes width: measure again
                long height = Math.min(((Number) driver.executeScript(
                        "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);")).longValue(), 16_000);
                driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                        "deviceScaleFactor", 1, "mobile", false));
                driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 200)));");
            }
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
            Files.write(SCREENSHOTS.resolve(name + ".png"), java.util.Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** At a phone's width nothing may stick out sideways (wide tables scroll inside their own box). */
    void assertNoSidewaysScrolling() {
        Number overflow = (Number) driver.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow.intValue()).as("page wider than the window at " + driver.manage().window().getSize()).isLessThanOrEqualTo(0);
    }

    String text(String css) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css))).getText();
    }

    @Test
    void signInFailsWithAWrongPasswordThenWorks() {
        String email = operator(OperatorRole.OWNER);
        driver.get(base + "/console");
        wait.until(ExpectedConditions.urlContains("/console/login"));
        screenshot("login");
        signIn(email, "wrong password");
        assertThat(text("#login-problem")).isEqualTo("Wrong email or password.");
        screenshot("login-failed");
        signIn(email, PASSWORD);
        wait.until(ExpectedConditions.urlContains("/console/apps"));
        assertThat(text("h1")).isEqualTo("External apps");
        assertThat(driver.manage().getCookieNamed("tollgate_console").isHttpOnly()).isTrue();
        driver.findElement(By.cssSelector(".who button")).click();
        wait.until(ExpectedConditions.urlContains("/console/login"));
        driver.get(base + "/console/apps");
        wait.until(ExpectedConditions.urlContains("/console/login"));
    }

    @Test
    void registerAnAppWithInlineValidationThenApproveIt() {
        String orgName = "Browser Org " + UUID.randomUUID().toString().substring(0, 8);
        String org = admin.post("/api/admin/organizations", Map.of("name", orgName)).data().get("id").asString();
        signedInAs(OperatorRole.ADMIN);
        driver.findElement(By.id("register-app")).click();
        wait.until(ExpectedConditions.urlContains("/console/apps/new"));
        // Typing part of the name narrows the organization choice (htmx swaps the select), however many there are.
        driver.findElement(By.id("organization_search")).sendKeys(orgName.substring("Browser Org ".length()));
        wait.until(d -> d.findElements(By.cssSelector("#organization_id option")).size() == 2
                && !d.findElements(By.cssSelector("#organization_id option[value='" + org + "']")).isEmpty());
        new Select(driver.findElement(By.id("organization_id"))).selectByValue(org);
        driver.findElement(By.id("name")).sendKeys("Browser App");
        new Select(driver.findElement(By.id("app_type"))).selectByValue("mobile");
        driver.findElement(By.id("app_identifier")).sendKeys("has spaces");
        driver.findElement(By.cssSelector("#register-form button[type=submit]")).click();
        assertThat(text("#app_identifier-error")).contains("letters, digits");
        assertThat(driver.findElement(By.id("app_identifier")).getAttribute("aria-invalid")).isEqualTo("true");
        screenshot("register-app-validation");

        String identifier = "com.browser." + UUID.randomUUID().toString().substring(0, 8);
        WebElement field = driver.findElement(By.id("app_identifier"));
        field.clear();
        field.sendKeys(identifier);
        driver.findElement(By.cssSelector("#register-form button[type=submit]")).click();
        assertThat(text("#app-status")).isEqualTo("pending");
        driver.findElement(By.id("approve")).click();
        wait.until(ExpectedConditions.textToBe(By.id("app-status"), "active"));

        // The list filters as one types (htmx), keeping the URL in step.
        driver.get(base + "/console/apps");
        driver.findElement(By.id("search")).sendKeys(identifier);
        wait.until(d -> d.findElements(By.cssSelector("#apps-list tbody tr")).size() == 1
                && d.findElement(By.cssSelector("#apps-list tbody")).getText().contains("Browser App"));
        wait.until(ExpectedConditions.urlContains("search="));
        driver.get(base + "/console/apps");
        screenshot("apps");
        driver.manage().window().setSize(new Dimension(390, 844));
        driver.navigate().refresh();
        assertNoSidewaysScrolling();
        screenshot("apps-390");
    }

    @Test
    void aKeyIsShownOnceThenOnlyItsPrefixAndRevokingStopsIt() {
        String appId = createApp();
        signedInAs(OperatorRole.OWNER);
        driver.get(base + "/console/apps/" + appId);
        driver.findElement(By.cssSelector("#create-key summary")).click();
        driver.findElement(By.id("key-name")).sendKeys("browser key");
        driver.findElement(By.id("create-key-button")).click();
        WebElement shown = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key-value")));
        String key = shown.getAttribute("value");
        assertThat(key).startsWith("tg_sk_live_");
        screenshot("new-key");
        Api.Res call = appClient(appId, key).get("/api/v1/app");
        assertThat(call.status()).as(call.toString()).isEqualTo(200);

        driver.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("keys-table")));
        assertThat(driver.findElements(By.id("new-key-value"))).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain(key);
        String redacted = driver.findElement(By.cssSelector("#keys-table .redacted-key")).getText();
        assertThat(redacted).isEqualTo(key.substring(0, "tg_sk_live_".length() + 4) + "…" + key.substring(key.length() - 4));
        screenshot("app-keys");

        driver.findElement(By.cssSelector("#keys-table button.revoke")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#keys-table .badge"), "revoked"));
        Api.Res refused = appClient(appId, key).get("/api/v1/app");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.errorCode()).isEqualTo("INVALID_API_KEY");
    }

    /** Webhooks: an endpoint added through the form, its secret shown once, a test event in the attempt log. */
    @Test
    void aWebhookEndpointIsAddedAndATestEventShowsInItsLog() throws Exception {
        try (io.tollgate.webhooks.Receiver receiver = new io.tollgate.webhooks.Receiver()) {
            String org = createOrganization();
            signedInAs(OperatorRole.ADMIN);
            driver.get(base + "/console/organizations/" + org + "/webhooks");
            driver.findElement(By.cssSelector("#new-endpoint summary")).click();
            driver.findElement(By.id("ne-url")).sendKeys(receiver.url());
            WebElement types = driver.findElement(By.id("ne-types"));
            types.clear();
            types.sendKeys("payment.*, webhook.test");
            driver.findElement(By.id("create-endpoint")).click();
            String secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-secret-value"))).getAttribute("value");
            assertThat(secret).startsWith("whsec_");
            screenshot("webhook-endpoint-new");
            driver.findElement(By.id("send-test")).click();
            String eventId = receiver.awaitType("webhook.test").id();
            for (int i = 0; i < 100 && driver.findElements(By.cssSelector("#attempts-table .badge.succeeded")).isEmpty(); i++) {
                Thread.sleep(100);
                driver.navigate().refresh();
            }
            assertThat(text("#attempts-table")).contains(eventId);
            assertThat(driver.getPageSource()).doesNotContain(secret);
            screenshot("webhook-endpoint");
            driver.manage().window().setSize(new Dimension(390, 900));
            driver.navigate().refresh();
            assertNoSidewaysScrolling();
            screenshot("webhook-endpoint-390");
            driver.manage().window().setSize(new Dimension(1280, 900));
            driver.get(base + "/console/organizations/" + org + "/webhooks");
            assertThat(text("#endpoints-table")).contains(receiver.url());
            screenshot("webhooks");
        }
    }

    @Test
    void meteredCallsShowUpInTheUsageChart() {
        String appId = createApp();
        fundOrganization(organizationOf(appId), 1000);
        activateCatalogApp(appId, "vto-001");
        Api app = appClient(appId, createKey(appId, Map.of("name", "metered")).get("key").asString());
        for (int i = 0; i < 4; i++) {
            Api.Res consumed = app.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 10));
            assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
        }
        // Metered calls made as end users (content views), so the top-users chart has people in it.
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "content_view", "pricing_type", "free"));
        String item = admin.post("/api/external-apps/" + appId + "/content", Map.of("title", "Sunset clip", "type", "video",
                "url", "https://cdn.example/sunset.mp4", "status", "published")).data().get("id").asString();
        for (String player : List.of("player-1", "player-1", "player-2")) {
            Api.Res viewed = app.with("X-External-User-Id", player).post("/api/v1/content/" + item + "/view", null);
            assertThat(viewed.status()).as(viewed.toString()).isEqualTo(200);
        }
        String playerWallet = app.with("X-External-User-Id", "player-1").get("/api/v1/credits/balance").data().get("wallet_id").asString();
        admin.post("/api/admin/wallets/" + playerWallet + "/grants", Map.of("amount", 25, "reason", "welcome credits"));

        signedInAs(OperatorRole.VIEWER);
        driver.get(base + "/console/apps/" + appId + "/usage");
        wait.until(ExpectedConditions.attributeToBe(By.id("chart-calls-per-day"), "data-chart-ready", "true"));
        wait.until(ExpectedConditions.attributeToBe(By.id("chart-calls-per-feature"), "data-chart-ready", "true"));
        JavascriptExecutor js = driver;
        // Read what Chart.js itself drew, not what the server rendered into the tables.
        Number drawnCalls = (Number) js.executeScript("""
                const chart = Chart.getChart(document.getElementById('chart-calls-per-day'));
                return chart.data.datasets[0].data.reduce((a, b) => a + b, 0);""");
        assertThat(drawnCalls.longValue()).isEqualTo(7);
        @SuppressWarnings("unchecked")
        List<String> features = (List<String>) js.executeScript(
                "return Chart.getChart(document.getElementById('chart-calls-per-feature')).data.labels;");
        assertThat(features).contains("vto-001");
        Number vto = (Number) js.executeScript("""
                const chart = Chart.getChart(document.getElementById('chart-calls-per-feature'));
                return chart.data.datasets[0].data[chart.data.labels.indexOf('vto-001')];""");
        assertThat(vto.longValue()).isEqualTo(4);
        assertThat(text("#total-calls")).isEqualTo("7");
        wait.until(ExpectedConditions.attributeToBe(By.id("chart-top-users"), "data-chart-ready", "true"));
        @SuppressWarnings("unchecked")
        List<String> topLabels = (List<String>) js.executeScript(
                "return Chart.getChart(document.getElementById('chart-top-users')).data.labels;");
        @SuppressWarnings("unchecked")
        List<Number> topCalls = (List<Number>) js.executeScript(
                "return Chart.getChart(document.getElementById('chart-top-users')).data.datasets[0].data;");
        assertThat(topLabels).containsExactly("external player-1", "external player-2");
        assertThat(topCalls.stream().map(Number::longValue).toList()).containsExactly(2L, 1L);
        screenshot("usage-app");
        driver.manage().window().setSize(new Dimension(390, 844));
        driver.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("chart-calls-per-day"), "data-chart-ready", "true"));
        assertNoSidewaysScrolling();
        screenshot("usage-app-390");
        driver.get(base + "/console/apps/" + appId);
        assertNoSidewaysScrolling();
        driver.manage().window().setSize(new Dimension(1280, 900));

        // The other main screens, for the record.
        driver.get(base + "/console/usage");
        wait.until(ExpectedConditions.attributeToBe(By.id("chart-calls-per-day"), "data-chart-ready", "true"));
        screenshot("usage-overall");
        driver.get(base + "/console/revenue");
        wait.until(ExpectedConditions.attributeToBe(By.id("chart-received-per-day"), "data-chart-ready", "true"));
        screenshot("revenue");
        driver.get(base + "/console/apps/" + appId + "/users");
        screenshot("end-users");
        driver.findElement(By.linkText("external player-1")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("ledger-table"), "welcome credits"));
        screenshot("end-user");
        driver.get(base + "/console/apps/" + appId + "/features");
        screenshot("features");
        driver.get(base + "/console/apps/" + appId + "/docs");
        driver.findElement(By.id("tab-python")).click();
        assertThat(text("#code-python")).contains("'X-App-Id': app_id").contains(appId);
        screenshot("api-docs");
        driver.get(base + "/console/organizations");
        screenshot("organizations");
        driver.get(base + "/console/plans");
        screenshot("plans");
        driver.get(base + "/console/audit");
        screenshot("audit-log");

        driver.manage().deleteAllCookies();
        signedInAs(OperatorRole.OWNER);
        driver.get(base + "/console/operators");
        assertThat(text("h1")).isEqualTo("Operators");
        screenshot("operators");
    }

    @Test
    void anAdminAddsGoogleSignInToAnAppAndSeesTheMailPage() {
        String appId = createApp();
        signedInAs(OperatorRole.ADMIN);
        driver.get(base + "/console/apps/" + appId + "/sign-in");
        driver.findElement(By.id("google-client-id")).sendKeys("console.apps.example");
        driver.findElement(By.id("google-secret")).sendKeys("a secret typed once");
        driver.findElement(By.cssSelector("#provider-google button[type=submit]")).click();
        assertThat(text("p.notice")).contains("Saved the google sign-in.");
        assertThat(driver.getPageSource()).contains("/api/v1/auth/oauth/google/callback").doesNotContain("a secret typed once");
        screenshot("app-sign-in");
        driver.get(base + "/console/mail");
        assertThat(text("h1")).isEqualTo("Mail");
        screenshot("mail");
    }

    @Test
    void aViewerHasNoButtonsToChangeThingsAndAForgedPostIsRefused() {
        String appId = createApp();
        String keyId = createKey(appId, Map.of("name", "keep me")).get("id").asString();
        signedInAs(OperatorRole.VIEWER);
        assertThat(driver.findElements(By.id("register-app"))).isEmpty();
        driver.get(base + "/console/apps/" + appId);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("keys-table")));
        assertThat(driver.findElements(By.id("create-key"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("button.revoke"))).isEmpty();
        assertThat(driver.findElements(By.id("suspend"))).isEmpty();
        assertThat(driver.findElements(By.id("delete-app"))).isEmpty();
        screenshot("app-as-viewer");

        // The same requests a hidden button would send, from inside the viewer's signed-in page with its CSRF token.
        Map<String, Object> statuses = new HashMap<>();
        for (String path : List.of("/console/apps/" + appId + "/keys", "/console/apps/" + appId + "/keys/" + keyId + "/revoke")) {
            Object status = driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const token = document.querySelector('meta[name="csrf-token"]').content;
                    fetch(arguments[0], {method: 'POST', credentials: 'same-origin', redirect: 'manual',
                        headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                        body: '_csrf=' + encodeURIComponent(token) + '&name=forged'}).then(r => done(r.status), e => done(String(e)));""", path);
            statuses.put(path, status);
        }
        assertThat(statuses.values()).allSatisfy(s -> assertThat(((Number) s).intValue()).isEqualTo(403));
        JsonNode keys = admin.get("/api/external-apps/" + appId + "/api-keys").data();
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).get("status").asString()).isEqualTo("active");
    }
}
