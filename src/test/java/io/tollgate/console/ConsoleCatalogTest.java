package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.Chromium;
import io.tollgate.operators.OperatorRole;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's catalog: operators add and edit catalog apps (a malformed schema is refused beside its
 * box, each problem by path), see the live preview of the configuration form in a real browser, and see
 * and end each organization's activations.
 */
class ConsoleCatalogTest extends ConsoleApiTest {
    private static Chromium chromium;

    @AfterAll
    static void stopBrowser() throws IOException {
        if (chromium != null) chromium.stop();
    }

    private Map<String, String> form(String id, String schema) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("id", id);
        form.put("name", "Virtual Try-On");
        form.put("description", "AI-powered virtual eyewear fitting");
        form.put("category", "ai_vision");
        form.put("token_cost", "5");
        form.put("status", "available");
        form.put("pricing_tier", "professional");
        form.put("features", "3D rendering\nFace detection");
        form.put("documentation_url", "/docs/apps/virtual-try-on");
        form.put("widget_url", "https://widgets.example/vto/");
        form.put("configuration_schema", schema);
        return form;
    }

    private static final String SCHEMA = """
            {"widget_placement": {"type": "select", "options": ["product_page", "collection_page", "cart_page"], "default": "product_page"},
             "style_customization": {"type": "object", "properties": {
                 "button_color": {"type": "string", "default": "#007bff"},
                 "button_text": {"type": "string", "default": "Try On", "label": "Button text"}}},
             "show_price": {"type": "boolean", "default": true},
             "max_frames": {"type": "integer", "min": 1, "max": 10}}""";

    @Test
    void operatorsAddEditAndSeeActivationsAndAMalformedSchemaIsRefusedBesideItsBox() {
        String id = "vto-" + UUID.randomUUID().toString().substring(0, 8);
        ConsoleClient.Page bad = console.submit("/console/catalog", "/console/catalog",
                form(id, "{\"a\": {\"type\": \"select\"}, \"b\": {\"type\": \"string\", \"pattern\": \"([\"}}"));
        assertThat(bad.status()).isEqualTo(302);
        String refused = console.get("/console/catalog").body();
        assertThat(refused).contains("id=\"ca-schema-error\"").contains("a.options").contains("b.pattern");
        assertThat(admin.get("/api/admin/catalog-apps/" + id).status()).isEqualTo(404);
        assertThat(console.submit("/console/catalog", "/console/catalog", form(id, "{not json")).status()).isEqualTo(302);
        assertThat(console.get("/console/catalog").body()).contains("is not valid JSON");

        ConsoleClient.Page created = console.submit("/console/catalog", "/console/catalog", form(id, SCHEMA));
        assertThat(created.location()).endsWith("/console/catalog/" + id);
        Api.Res stored = admin.get("/api/admin/catalog-apps/" + id);
        assertThat(stored.data().get("pricing_tier").asString()).isEqualTo("professional");
        assertThat(stored.data().get("features").get(1).asString()).isEqualTo("Face detection");
        assertThat(stored.data().get("configuration_schema").propertyNames())
                .containsExactly("widget_placement", "style_customization", "show_price", "max_frames");

        Map<String, String> edit = form(id, SCHEMA);
        edit.remove("id");
        edit.put("pricing_tier", "");
        edit.put("status", "beta");
        assertThat(console.submit("/console/catalog/" + id, "/console/catalog/" + id, edit).location()).endsWith("/console/catalog/" + id);
        assertThat(admin.get("/api/admin/catalog-apps/" + id).data().get("pricing_tier").isNull()).as("emptied: any customer").isTrue();
        assertThat(admin.get("/api/admin/catalog-apps/" + id).data().get("status").asString()).isEqualTo("beta");

        // An organization's activations, and an operator's deactivation.
        String appId = createApp();
        String org = organizationOf(appId);
        assertThat(appClient(appId).post("/api/v1/customer/apps/" + id + "/activate", Map.of()).status()).isEqualTo(201);
        assertThat(console.get("/console/catalog/" + id).body()).contains(org);
        String activations = console.get("/console/organizations/" + org + "/activations").body();
        assertThat(activations).contains("Virtual Try-On").contains("&quot;widget_placement&quot;:&quot;product_page&quot;");
        assertThat(console.submit("/console/organizations/" + org + "/activations",
                "/console/organizations/" + org + "/activations/" + id + "/deactivate", Map.of()).status()).isEqualTo(302);
        assertThat(appClient(appId).get("/api/v1/customer/apps/" + id).data().get("status").asString()).isEqualTo("inactive");
        ConsoleClient viewer = ConsoleClient.signedIn(port, accounts, OperatorRole.VIEWER);
        assertThat(viewer.submit("/console/catalog", "/console/catalog", form("vto-viewer", SCHEMA)).status()).isEqualTo(403);
    }

    @Test
    void thePreviewDrawsTheFormTheSchemaMakesAsTheOperatorTypes() throws IOException {
        String id = "vto-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(console.submit("/console/catalog", "/console/catalog", form(id, SCHEMA)).status()).isEqualTo(302);
        chromium = chromium == null ? Chromium.start() : chromium;
        var driver = chromium.driver();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        String base = "http://localhost:" + port;
        driver.get(base + "/console/login");
        driver.manage().deleteAllCookies();
        // The signed-in session of this test's console client, handed to the browser.
        console.cookies.getCookieStore().getCookies().forEach(c -> driver.manage().addCookie(new Cookie(c.getName(), c.getValue(), "/")));
        driver.get(base + "/console/catalog/" + id);
        wait.until(ExpectedConditions.attributeToBe(By.id("schema-preview"), "data-preview-ready", "true"));

        Select placement = new Select(driver.findElement(By.id("preview-widget_placement")));
        assertThat(placement.getOptions()).extracting(WebElement::getText).containsExactly("product_page", "collection_page", "cart_page");
        assertThat(placement.getFirstSelectedOption().getText()).isEqualTo("product_page");
        assertThat(driver.findElement(By.id("preview-style_customization-button_text")).getAttribute("value")).isEqualTo("Try On");
        assertThat(driver.findElement(By.cssSelector("label[for='preview-style_customization-button_text']")).getText()).isEqualTo("Button text");
        assertThat(driver.findElement(By.id("preview-show_price")).isSelected()).isTrue();
        assertThat(driver.findElement(By.id("preview-max_frames")).getAttribute("max")).isEqualTo("10");
        assertThat(driver.findElement(By.id("schema-preview-config")).getText()).contains("\"button_text\": \"Try On\"");

        // Filling in the preview shows the configuration it would send.
        placement.selectByVisibleText("cart_page");
        WebElement text = driver.findElement(By.id("preview-style_customization-button_text"));
        text.clear();
        text.sendKeys("Try It On");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("schema-preview-config"), "\"button_text\": \"Try It On\""));
        assertThat(driver.findElement(By.id("schema-preview-config")).getText()).contains("\"widget_placement\": \"cart_page\"");

        // Editing the schema redraws the preview; broken JSON says so instead.
        WebElement schema = driver.findElement(By.id("ca-schema"));
        schema.clear();
        schema.sendKeys("{\"greeting\": {\"type\": \"string\", \"default\": \"Hello\"}}");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("preview-greeting")));
        assertThat(driver.findElements(By.id("preview-widget_placement"))).isEmpty();
        schema.sendKeys("oops");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("schema-preview-status"), "Not valid JSON yet"));
    }
}
